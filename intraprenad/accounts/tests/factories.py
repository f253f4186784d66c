import factory

from intraprenad.accounts.models import OrgUnit, Role, RoleAssignment, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    password = factory.django.Password("demo-losen-123")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = OrgUnit.Kind.UNIT

    class Params:
        board = factory.Trait(kind=OrgUnit.Kind.BOARD, case_series="SN", short_name="SN")
        administration = factory.Trait(kind=OrgUnit.Kind.ADMINISTRATION)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    org_unit = factory.SubFactory(OrgUnitFactory)


def user_with_role(username: str, role: str, unit: OrgUnit) -> User:
    user = UserFactory(username=username)
    RoleAssignment.objects.create(user=user, role=role, org_unit=unit)
    return user
