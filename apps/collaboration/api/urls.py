from django.urls import path

from . import views

urlpatterns = [
    path("collaboration/posts/<int:post_id>/session/", views.SessionView.as_view(), name="collab-session"),
]
