from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("sources/", views.source_list, name="index"),
    path("sources/choose/", views.source_choose, name="choose"),
    path("sources/opml/", views.opml_export, name="opml_export"),
    path("sources/opml/import/", views.opml_import, name="opml_import"),
    path("sources/items/", views.item_list, name="items"),
    path("sources/items/<int:pk>/", views.item_detail, name="item"),
    path("sources/items/<int:pk>/<str:action>/", views.item_action, name="item_action"),
    path("sources/rules/", views.rule_list, name="rules"),
    path("sources/rules/apply/", views.rules_apply, name="rules_apply"),
    path("sources/rules/<int:pk>/<str:action>/", views.rule_action, name="rule_action"),
    path("sources/<int:pk>/", views.source_detail, name="detail"),
    path("sources/<int:pk>/<str:action>/", views.source_action, name="action"),
]
