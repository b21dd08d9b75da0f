//! The Agreement window (issue 26): how far the annotators' independent layers of the open
//! project agree — overall, per pair, per type and per document — the same report
//! `marginalia agree PROJECT` prints (`model::agreement`, defined in `docs/agreement.md`).
//! Reached by `Command::ToggleAgreement`; it only reads the project.

use super::View;
use crate::app::{AppState, Command, Queue};
use crate::model::agreement::{self, Filter, Labels, Report, Study};

/// Shows the Agreement window while `AppState::agreement_open` is set; the report is
/// computed when the window opens and again whenever the project changed since.
#[derive(Default)]
pub struct AgreementWindow {
    /// The report (or why there is none) and the session generation it was computed at.
    report: Option<(u64, Result<Report, String>)>,
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"))
}

/// The report for a project: its annotator layers compared.
pub fn compute(project: &crate::model::Project) -> Result<Report, String> {
    let filter = Filter::default();
    let study = Study::from_layers(project, &filter).map_err(|e| e.to_string())?;
    let labels = Labels::of(&study, &filter, Some(&project.schema)).map_err(|e| e.to_string())?;
    Ok(agreement::compute(&study, &labels))
}

/// A striped grid with a header row.
fn table(ui: &mut egui::Ui, id: &str, header: &[&str], rows: Vec<Vec<String>>) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(header.len())
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for h in header {
                ui.strong(*h);
            }
            ui.end_row();
            for row in rows {
                for cell in row {
                    ui.label(cell);
                }
                ui.end_row();
            }
        });
}

fn show_report(ui: &mut egui::Ui, r: &Report) {
    ui.label(format!(
        "{} annotators ({}), {}, {} character units ({} labelled by all).",
        r.annotators.len(),
        r.annotators.join(", "),
        crate::words::count(r.documents, "document", "documents"),
        r.units,
        r.complete_units
    ));
    ui.add_space(4.0);
    ui.heading("Overall");
    table(
        ui,
        "agreement-overall",
        &[
            "Observed",
            "Fleiss' κ",
            "Davies–Fleiss κ",
            "Krippendorff's α",
            "α_u",
        ],
        vec![vec![
            num(r.observed),
            num(r.fleiss_kappa),
            num(r.davies_fleiss_kappa),
            num(r.krippendorff_alpha),
            num(r.krippendorff_alpha_u),
        ]],
    );
    ui.add_space(6.0);
    ui.heading("Pairs");
    table(
        ui,
        "agreement-pairs",
        &[
            "Annotators",
            "Cohen's κ",
            "F1 exact",
            "F1 overlap",
            "α_u",
            "Links",
            "Event roles",
        ],
        r.pairs
            .iter()
            .map(|p| {
                vec![
                    format!("{} / {}", p.a, p.b),
                    num(p.cohen_kappa),
                    num(p.f1_exact),
                    num(p.f1_overlap),
                    num(p.alpha_u),
                    num(p.links.agreement),
                    num(p.events.f1_roles),
                ]
            })
            .collect(),
    );
    ui.add_space(6.0);
    ui.heading("Per type");
    let mut rows = Vec::new();
    for (t, tr) in &r.per_type {
        rows.push(vec![
            t.clone(),
            "all".to_owned(),
            num(tr.fleiss_kappa),
            num(tr.krippendorff_alpha),
            num(tr.alpha_u),
            String::new(),
            String::new(),
        ]);
        for p in &tr.pairs {
            rows.push(vec![
                String::new(),
                format!("{} / {}", p.a, p.b),
                num(p.cohen_kappa),
                String::new(),
                String::new(),
                num(p.f1_exact),
                num(p.f1_overlap),
            ]);
        }
    }
    table(
        ui,
        "agreement-types",
        &[
            "Type",
            "Annotators",
            "κ",
            "α",
            "α_u",
            "F1 exact",
            "F1 overlap",
        ],
        rows,
    );
    ui.add_space(6.0);
    ui.heading("Per document");
    table(
        ui,
        "agreement-documents",
        &[
            "Document",
            "Annotators",
            "Units",
            "Fleiss' κ",
            "α",
            "α_u",
            "F1 exact",
            "F1 overlap",
        ],
        r.per_document
            .iter()
            .map(|d| {
                vec![
                    super::cut(&d.title, 48),
                    d.annotators.join(", "),
                    d.units.to_string(),
                    num(d.fleiss_kappa),
                    num(d.krippendorff_alpha),
                    num(d.alpha_u),
                    num(d.f1_exact),
                    num(d.f1_overlap),
                ]
            })
            .collect(),
    );
    if !r.left_out.is_empty() {
        ui.add_space(6.0);
        ui.heading("Left out");
        for l in &r.left_out {
            ui.label(format!("{}: {}", super::cut(&l.title, 48), l.reason));
        }
    }
}

impl View for AgreementWindow {
    fn ui(&mut self, ui: &mut egui::Ui, st: &mut AppState) {
        if !st.agreement_open {
            self.report = None;
            return;
        }
        let Some(session) = st.session.as_ref() else {
            return;
        };
        let generation = session.generation;
        if self.report.as_ref().is_none_or(|(g, _)| *g != generation) {
            self.report = Some((generation, compute(&session.project)));
        }
        let mut open = true;
        let mut cmds = Queue::default();
        super::show_window(
            super::window(ui.ctx(), "Agreement")
                .open(&mut open)
                .default_width(640.0)
                .default_pos(ui.ctx().content_rect().center_top() + egui::vec2(-320.0, 60.0)),
            ui.ctx(),
            |ui| {
                egui::ScrollArea::both().max_height(520.0).show(ui, |ui| {
                    match self.report.as_ref().map(|(_, r)| r) {
                        Some(Ok(r)) => show_report(ui, r),
                        Some(Err(e)) => {
                            ui.label(e.as_str());
                        }
                        None => {}
                    }
                });
                if ui.button("Close").clicked() {
                    cmds.push(Command::ToggleAgreement);
                }
            },
        );
        st.queue.extend(cmds);
        if !open {
            st.agreement_open = false;
        }
    }
}
