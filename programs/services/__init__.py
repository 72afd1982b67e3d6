"""Writes for the plan (loading a plan file idempotently) and for the member units' work reports,
one module per concern (callers import the module they use; nothing is re-exported here):

- plan_loader: load_plan_file (plan, regions, populations, programmes, units, tasks, targets,
  baselines), split_units_text, PlanFileError, LoadStats and the plan_loaded signal;
- periods: open_period, set_period_open;
- reports: what a unit reports (report_tasks, report_targets), parse_figure, who may file and when
  (ensure_can_file, ensure_filing_window, ensure_editable, ReportLocked), start_report, save_report,
  transition_report;
- attachments: allowed types and size, sniff_attachment, add_attachment, remove_attachment;
- completeness: filing_state, completeness_matrix;
- reminders: send_report_reminders;
- consolidated: consolidated_report, consolidated_xlsx.
"""
