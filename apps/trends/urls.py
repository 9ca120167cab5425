from django.urls import path

from . import views

app_name = "trends"
urlpatterns = [
    path("trends/", views.index, name="index"),
    path("trends/next/", views.write_next, name="write_next"),
    path("trends/settings/", views.settings_page, name="settings"),
    path("trends/topics/<int:pk>/delete/", views.topic_delete, name="topic_delete"),
    path("trends/<int:pk>/", views.detail, name="detail"),
]
