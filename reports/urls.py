"""Indicator pages: the dashboard, the records behind each figure, the donor summary and the downloads."""

from django.urls import path

from reports.views import background, dashboard, exports, subject_access, targets, timeline

urlpatterns = [
    path("reports/", dashboard.indicator_dashboard, name="indicator_dashboard"),
    path("reports/targets/", targets.target_periods, name="target_periods"),
    path("reports/targets/<int:pk>/", targets.target_period, name="target_period"),
    path("reports/summary/", dashboard.donor_summary, name="donor_summary"),
    path("reports/export/<str:fmt>/", exports.dashboard_export, name="dashboard_export"),
    path("reports/exports/", background.my_exports, name="my_exports"),
    path("reports/exports/<int:pk>/", background.export_request, name="export_request"),
    path("reports/exports/<int:pk>/download/", background.export_download, name="export_download"),
    path("reports/records/<slug:key>/", dashboard.indicator_records, name="indicator_records"),
    path("learners/<str:code>/timeline/", timeline.learner_timeline, name="learner_timeline"),
    path("reports/learners/<str:code>/file/", subject_access.learner_data_export, name="learner_data_export"),
    path(
        "reports/records/<slug:key>/export/<str:fmt>/",
        exports.indicator_records_export,
        name="indicator_records_export",
    ),
]
