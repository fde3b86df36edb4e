"""The app's look: one style sheet (layout from phone to desktop, focus rings, contrast AA),
sent once with the page."""

CSS = """
<style>
.pw-app { font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 14px;
  color: #1f2933; line-height: 1.35; }
.pw-app .widget-html-content { line-height: 1.35; }
.pw-app p { margin: 4px 0; }
.pw-app h2 { font-size: 20px; margin: 4px 0 2px 0; }
.pw-app h3 { font-size: 16px; margin: 10px 0 4px 0; }
.pw-muted { color: #52606d; font-size: 13px; }
.pw-table { border-collapse: collapse; width: 100%; font-size: 13px; }
.pw-facts th { position: static; width: 130px; white-space: nowrap; }
.pw-table th { position: sticky; top: 0; background: #e4e7eb; text-align: left;
  padding: 4px 6px; border-bottom: 2px solid #9aa5b1; z-index: 1; }
.pw-table td { padding: 3px 6px; border-bottom: 1px solid #e4e7eb; vertical-align: top; }
.pw-table td.num, .pw-table th.num { text-align: right; white-space: nowrap; }
.pw-table tr.pw-out td { color: #7b8794; background: #fafafa; }
.pw-table .pw-id { font-weight: bold; white-space: nowrap; }
.pw-scroll { max-height: max(320px, calc(100vh - 230px)); overflow: auto; border: 1px solid #e4e7eb; }
.pw-seg { display: inline-block; height: 12px; vertical-align: middle; }
.pw-stack { white-space: nowrap; min-width: 155px; }
.pw-legend { margin: 4px 0 6px 0; font-size: 13px; }
.pw-key { margin-right: 14px; white-space: nowrap; }
.pw-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px;
  vertical-align: -1px; }
.pw-ring { background: #9aa5b1; border: 2.5px solid #1f2933; width: 8px; height: 8px;
  border-radius: 6px; }
.pw-hollow { background: white; border: 2px solid #7b8794; width: 8px; height: 8px;
  border-radius: 6px; }
.pw-problems li { margin: 3px 0; }
.pw-box { border-left: 4px solid #c0392b; background: #fdf2f2; padding: 8px 12px; }
.pw-note { border-left: 4px solid #3e7cb1; background: #f0f4f8; padding: 6px 10px; }
.pw-hot { background: #fde8c8; }
.pw-share { font-size: 13px; color: #334e68; margin: -4px 0 6px 0; }
.pw-crit { font-weight: bold; font-size: 13px; margin-top: 6px; }
.pw-pair { font-size: 13px; margin: -6px 0 4px 0; color: #334e68; }
.pw-ends { display: flex; justify-content: space-between; align-items: flex-end; gap: 8px;
  font-size: 12px; font-weight: bold; margin: 6px 4px -4px 4px; line-height: 1.2; }
.pw-ends span { max-width: 48%; }
.pw-ends span:last-child { text-align: right; }
.pw-funded-list .pw-id { font-weight: 600; }
.pw-dl a { font-weight: bold; font-size: 15px; color: #1f5f99; text-decoration: underline; }
.pw-chart svg { max-width: 100%; height: auto; }
.pw-budget-amount { white-space: nowrap; }
.pw-road-fields { flex-wrap: wrap; gap: 2px 16px; }
.pw-road-diff { margin: 4px 0 8px 0; padding-left: 22px; }
.pw-road-diff li { margin: 3px 0; }
.pw-table.pw-road-plan tbody th, .pw-table.pw-road-plan tfoot th { position: static;
  background: none; font-weight: normal; padding: 3px 6px; border-bottom: 1px solid #e4e7eb; }
.pw-table.pw-road-plan tr.pw-road-sum th, .pw-table.pw-road-plan tr.pw-road-sum td {
  font-weight: bold; background: #f5f7fa; }
/* accessibility: a slider's description names its handle (the template links them) but a
   heading above already shows the words: keep the label for screen readers only */
.pw-app .widget-slider > .widget-label { position: absolute !important; width: 1px !important;
  height: 1px !important; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
  margin: 0; padding: 0; }
.pw-app :focus-visible, .pw-app .noUi-handle:focus { outline: 3px solid #1f5f99 !important;
  outline-offset: 2px; }
.pw-app .lm-TabBar-tab, .pw-app .lm-TabBar-tab .lm-TabBar-tabLabel { color: #323f4b !important; }
.pw-scroll-x { overflow-x: auto; max-width: 100%; }
.pw-app .widget-html-content { max-width: 100%; }
/* phones and tablets: the weights above the tabs, everything the screen's width */
@media (max-width: 900px) {
  .pw-app .pw-body { flex-direction: column !important; }
  .pw-app .pw-sidebar { flex: 0 0 auto !important; width: 100% !important;
    padding: 0 !important; box-sizing: border-box; }
  .pw-app .pw-main { width: 100% !important; flex: 1 1 auto !important; }
  .pw-app .pw-header { flex-wrap: wrap; }
  .pw-app .pw-theme, .pw-app .pw-idea, .pw-app .pw-budget { width: 100% !important;
    max-width: 100%; }
  .pw-app .widget-dropdown > .widget-label { width: auto !important; }
  .pw-app .widget-button { max-width: 100%; }
  .pw-scroll { max-height: 70vh; }
  .pw-app .lm-TabBar-content { flex-wrap: wrap; }
  .pw-app .widget-tab > .lm-TabBar .lm-TabBar-tab { flex: 1 1 auto !important;
    max-width: none !important; min-width: 0 !important; }
  .pw-app .pw-crit { margin-top: 2px; }
  .pw-app .pw-share { margin: -6px 0 2px 0; }
  .pw-app .widget-tab-contents, .pw-app .widget-tab > .lm-TabPanel-stackedPanel {
    padding: 8px 6px !important; }
  .pw-app .pw-main .jupyter-widgets { max-width: 100% !important; box-sizing: border-box; }
  .pw-app .pw-budget-row { flex-wrap: wrap; }
  .pw-chart { overflow-x: auto; }
  .pw-app .pw-below, .pw-app .pw-ranking, .pw-app .pw-smaa-table,
  .pw-app .pw-compare-ranking, .pw-app .pw-road-plan { min-width: 560px; }
  .pw-app .pw-road-year { width: 100% !important; max-width: 100%; }
  .pw-app .pw-main .widget-inline-hbox { min-width: 0; max-width: calc(100% - 6px) !important; }
  .pw-app .pw-main .widget-inline-hbox input, .pw-app .pw-main .widget-inline-hbox textarea,
  .pw-app .pw-main .widget-inline-hbox select { min-width: 0; flex: 1 1 auto; }
  .pw-chart svg { max-width: none; min-width: 600px; }
}
</style>
"""
