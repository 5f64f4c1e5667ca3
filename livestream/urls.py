from django.urls import path

from . import views

urlpatterns = [
    path("callbacks/publish/", views.publish, name="live_on_publish"),
    path("callbacks/publish-done/", views.publish_done, name="live_on_publish_done"),
    path("callbacks/record-done/", views.record_done, name="live_on_record_done"),
    path("<int:event_id>/heartbeat/", views.heartbeat, name="live_heartbeat"),
]
