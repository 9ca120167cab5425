from django.urls import path

from . import views

app_name = "personas"
urlpatterns = [
    path("personas/", views.persona_list, name="index"),
    path("personas/new/", views.persona_new, name="new"),
    path("personas/<int:pk>/", views.persona_detail, name="detail"),
    path("personas/<int:pk>/edit/", views.persona_edit, name="edit"),
    path("personas/<int:pk>/delete/", views.persona_remove, name="delete"),
    path("personas/<int:pk>/samples/", views.persona_sample_list, name="samples"),
    path("personas/<int:pk>/samples/<int:sample_pk>/delete/", views.persona_sample_remove, name="sample_delete"),
    path("personas/<int:pk>/relearn/", views.persona_relearn, name="relearn"),
]
