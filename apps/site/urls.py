from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("site/", views.overview, name="overview"),
    path("site/address/", views.hostname, name="hostname"),
    path("site/articles/<int:page_id>/test/", views.test_new, name="test_new"),
    path("site/tests/<int:pk>/", views.test_detail, name="test"),
    path("site/tests/<int:pk>/<str:action>/", views.test_action, name="test_action"),
    path("site/preview/<int:post_id>/", views.preview, name="preview"),
]
