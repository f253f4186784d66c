"""Small helpers shared by the apps' forms and views."""

from django.core.exceptions import ValidationError


def show_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else as a non-field error."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
