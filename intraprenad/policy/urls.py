from django.urls import path

from . import views

urlpatterns = [
    path("", views.revision_list, name="revision_list"),
    path("importera/", views.revision_import, name="revision_import"),
    path("<int:pk>/", views.revision_detail, name="revision_detail"),
    path("<int:pk>/redigera/", views.revision_edit, name="revision_edit"),
    path("<int:pk>/nytt-utkast/", views.revision_draft, name="revision_draft"),
    path("<int:pk>/exportera/", views.revision_export, name="revision_export"),
    path("<int:pk>/anta/", views.revision_adopt, name="revision_adopt"),
    path("<int:pk>/jamfor/", views.revision_compare_choose, name="revision_compare_choose"),
    path("<int:a>/jamfor/<int:b>/", views.revision_compare, name="revision_compare"),
]
