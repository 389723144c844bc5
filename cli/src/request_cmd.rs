//! `scanpass request ...`: the records request (issue 5). The core decides (rules, deadlines,
//! wizard, letters, tracking); this shell asks the wizard's questions in a terminal, reads answers
//! files, writes letters and prints. Requests live encrypted in the vault's index.
//!
//! Today's date comes from the local clock, or from `SCANPASS_TODAY` (YYYY-MM-DD) when set, so
//! that tests can drive a request through its deadlines.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use scanpass_core::request::answers::{self, join};
use scanpass_core::request::dates::parse_iso;
use scanpass_core::request::letter::{self, Letter};
use scanpass_core::request::wizard::{Effect, Event, Step, Wizard};
use scanpass_core::request::{
    rules, Channel, Delivery, Doctor, Expedited, FieldError, Format, Jurisdiction, Language, Mark,
    Patient, Provider, RequestRecord, RequestSummary, Studies,
};
use scanpass_core::vault::{keystore::desktop, Vault};
use serde_json::json;

use crate::{err, vault_cmd, write, CliResult};

#[derive(Subcommand)]
pub enum RequestCommand {
    /// Start a request: answer the questions in the terminal, or give them in a JSON file
    /// (keys: jurisdiction, provider{name,address,email,fax}, patient{name,date_of_birth,address,
    /// email}, studies, format, deliver_to, authority (EU), expedited (CA-ON), sent_on, channel,
    /// acknowledged_on).
    New {
        #[arg(long, value_name = "FILE.json")]
        answers: Option<PathBuf>,
        /// Print the new request as JSON (the row of `request list --json`).
        #[arg(long)]
        json: bool,
    },
    /// Continue a half-finished request where it stopped.
    Resume { id: String },
    /// List requests: id, provider, jurisdiction, status, sent_on, due_on (ISO dates), reminders.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One request in detail: dates, reminders, what to do next.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the request letter: PDF, or plain text (for email or a portal form) with --text.
    Letter {
        id: String,
        /// The file to write (with --text and no --out, the letter goes to standard output).
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        text: bool,
        /// The letter's date (default: the day it was marked sent, else today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record what happened: sent (--channel), acknowledged (the day the provider received the
    /// request: deadlines then run from it), an extension notice (--until: the date the provider
    /// gave), received (--study: the imported study), refused, outcome (the provider answered the
    /// complaint the follow-up made, UK and AU).
    Mark {
        id: String,
        event: MarkEvent,
        /// When it happened (default today), YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// How the request was sent: email, post, fax, portal, in-person.
        #[arg(long)]
        channel: Option<String>,
        /// With `extended`: the new date the provider gave (capped at the legal limit).
        #[arg(long)]
        until: Option<String>,
        /// With `received`: the vault study the images were imported as (`scanpass studies`).
        #[arg(long)]
        study: Option<String>,
    },
    /// Once overdue: the polite follow-up letter (recorded as sent on --date, default today).
    FollowUp {
        id: String,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        text: bool,
        #[arg(long)]
        date: Option<String>,
    },
    /// After the follow-up's 14 days (or a refusal): the complaint draft to the authority; in
    /// the UK and Australia 30 days after the follow-up (your complaint to the provider) or once
    /// it answered.
    Complaint {
        id: String,
        /// EU: the supervisory authority you chose (name and address, lines separated by ;).
        #[arg(long)]
        authority: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        text: bool,
        #[arg(long)]
        date: Option<String>,
    },
    /// The rules of each jurisdiction with their sources and the date last checked.
    Rules {
        #[arg(long)]
        json: bool,
    },
    /// Forget a request.
    Delete { id: String },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MarkEvent {
    Sent,
    Acknowledged,
    Extended,
    Received,
    Refused,
    Outcome,
}

pub fn run(vault: Option<PathBuf>, cmd: RequestCommand) -> CliResult {
    let today = today()?;
    if let RequestCommand::Rules { json } = cmd {
        return print_rules(json);
    }
    let dir = vault_cmd::vault_dir(vault)?;
    match cmd {
        RequestCommand::New { answers, json } => {
            let vault =
                desktop::open_or_create(&dir, vault_cmd::passphrase().as_deref()).map_err(err)?;
            match answers {
                Some(file) => new_from_file(&vault, &file, json, today),
                None => {
                    let id = vault
                        .create_request(&RequestRecord::draft(Wizard::new(today), today))
                        .map_err(err)?;
                    interactive(&vault, &id, Wizard::new(today), today)
                }
            }
        }
        RequestCommand::Resume { id } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let rec = vault.request(&id).map_err(err)?;
            let Some(w) = rec.wizard else {
                return Err("this request is already finished: see `request show`".into());
            };
            interactive(&vault, &id, w.resume(today), today)
        }
        RequestCommand::List { json } => {
            let vault = vault_cmd::open(&dir)?;
            let rows: Vec<RequestSummary> = vault
                .requests()
                .map_err(err)?
                .iter()
                .map(|(id, r)| r.summary(id, today))
                .collect();
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?
                );
            } else {
                for s in &rows {
                    println!("{}", list_line(s));
                }
            }
            Ok(())
        }
        RequestCommand::Show { id, json } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let rec = vault.request(&id).map_err(err)?;
            show(&id, &rec, json, today)
        }
        RequestCommand::Letter {
            id,
            out,
            text,
            date,
        } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let rec = vault.request(&id).map_err(err)?;
            let Some(a) = &rec.answers else {
                return Err("this request is not finished: `request resume` it first".into());
            };
            let date = match date {
                Some(d) => parse_date("--date", &d)?,
                None => rec.tracking.sent.map(|s| s.on).unwrap_or(today),
            };
            emit(&letter::request_letter(a, date), out.as_deref(), text)
        }
        RequestCommand::Mark {
            id,
            event,
            date,
            channel,
            until,
            study,
        } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let mut rec = vault.request(&id).map_err(err)?;
            let on = match date {
                Some(d) => parse_date("--date", &d)?,
                None => today,
            };
            let mark = match event {
                MarkEvent::Sent => Mark::Sent {
                    on,
                    channel: match channel {
                        Some(c) => Channel::from_code(&c).ok_or(
                            "--channel: must be one of email, post, fax, portal, in-person",
                        )?,
                        None => default_channel(&rec),
                    },
                },
                MarkEvent::Extended => Mark::Extended {
                    on,
                    until: until.map(|u| parse_date("--until", &u)).transpose()?,
                },
                MarkEvent::Received => Mark::Received {
                    on,
                    study_id: study,
                },
                MarkEvent::Refused => Mark::Refused { on },
                MarkEvent::Acknowledged => Mark::Acknowledged { on },
                MarkEvent::Outcome => Mark::Outcome { on },
            };
            let notes = rec.mark(mark, today).map_err(field)?;
            vault.update_request(&id, &rec).map_err(err)?;
            for n in notes {
                println!("note: {n}");
            }
            println!("{}", list_line(&rec.summary(&id, today)));
            Ok(())
        }
        RequestCommand::FollowUp {
            id,
            out,
            text,
            date,
        } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let mut rec = vault.request(&id).map_err(err)?;
            let on = match (date, rec.tracking.follow_up_on) {
                (Some(d), _) => parse_date("--date", &d)?,
                (None, Some(prev)) => prev, // the letter again, as first made
                (None, None) => today,
            };
            if rec.tracking.follow_up_on != Some(on) {
                rec.follow_up(on, today).map_err(field)?;
            }
            let l = letter::follow_up_letter(&rec, on).map_err(field)?;
            emit(&l, out.as_deref(), text)?;
            vault.update_request(&id, &rec).map_err(err)
        }
        RequestCommand::Complaint {
            id,
            out,
            text,
            date,
            authority,
        } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            let mut rec = vault.request(&id).map_err(err)?;
            if let (Some(auth), Some(a)) = (authority, rec.answers.as_mut()) {
                let auth = auth.replace(';', "\n").trim().to_string();
                let e = answers::validate_extras(a.jurisdiction, &auth, None, today);
                if !e.is_empty() {
                    return Err(format!("--{}", join(&e)));
                }
                a.provider.authority = auth;
            }
            let on = match (date, rec.tracking.complaint_on) {
                (Some(d), _) => parse_date("--date", &d)?,
                (None, Some(prev)) => prev,
                (None, None) => today,
            };
            if rec.tracking.complaint_on != Some(on) {
                rec.complaint(on, today).map_err(field)?;
            }
            let l = letter::complaint_letter(&rec, on).map_err(field)?;
            emit(&l, out.as_deref(), text)?;
            vault.update_request(&id, &rec).map_err(err)
        }
        RequestCommand::Delete { id } => {
            let vault = vault_cmd::open(&dir)?;
            let id = vault.resolve_request(&id).map_err(err)?;
            vault.delete_request(&id).map_err(err)
        }
        RequestCommand::Rules { .. } => unreachable!("handled above"),
    }
}

fn today() -> CliResult<NaiveDate> {
    match std::env::var("SCANPASS_TODAY") {
        Ok(s) if !s.trim().is_empty() => parse_date("SCANPASS_TODAY", &s),
        _ => Ok(chrono::Local::now().date_naive()),
    }
}

fn parse_date(what: &str, s: &str) -> CliResult<NaiveDate> {
    parse_iso(s).ok_or_else(|| format!("{what}: not a date written YYYY-MM-DD"))
}

fn field(e: FieldError) -> String {
    e.to_string()
}

fn default_channel(rec: &RequestRecord) -> Channel {
    match &rec.answers {
        Some(a) if !a.provider.email.is_empty() => Channel::Email,
        Some(a) if !a.provider.fax.is_empty() => Channel::Fax,
        _ => Channel::Post,
    }
}

fn list_line(s: &RequestSummary) -> String {
    let o = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    let mut line = format!(
        "{}  {:<8}  {:<5}  sent {:<10}  due {:<10}  {}",
        s.id,
        s.status,
        s.jurisdiction.as_deref().unwrap_or("-"),
        o(s.sent_on),
        o(s.due_on),
        s.provider.as_deref().unwrap_or("-"),
    );
    if let Some(r) = s.next_reminder {
        line.push_str(&format!(
            "  (next: {} {})",
            serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            r.on
        ));
    }
    line
}

fn new_from_file(vault: &Vault, file: &Path, as_json: bool, today: NaiveDate) -> CliResult {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let parsed =
        answers::from_json(&bytes, today).map_err(|e| format!("answers file: {}", join(&e)))?;
    let warnings = parsed.answers.warnings();
    let mut rec = RequestRecord::new(parsed.answers, today);
    if let Some(on) = parsed.sent_on {
        let channel = parsed.channel.unwrap_or_else(|| default_channel(&rec));
        rec.mark(Mark::Sent { on, channel }, today)
            .map_err(|e| format!("answers file: {e}"))?;
    }
    if let Some(on) = parsed.acknowledged_on {
        rec.mark(Mark::Acknowledged { on }, today)
            .map_err(|e| format!("answers file: {e}"))?;
    }
    for w in &warnings {
        eprintln!("note: {w}");
    }
    let id = vault.create_request(&rec).map_err(err)?;
    let s = rec.summary(&id, today);
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?
        );
    } else {
        println!("{}", list_line(&s));
    }
    Ok(())
}

fn emit(l: &Letter, out: Option<&Path>, text: bool) -> CliResult {
    match (out, text) {
        (Some(path), true) => write(path, l.to_text().as_bytes()),
        (None, true) => {
            print!("{}", l.to_text());
            Ok(())
        }
        (Some(path), false) => write(path, &l.to_pdf().map_err(err)?),
        (None, false) => Err("--out: give the PDF file to write (or --text)".into()),
    }
}

fn show(id: &str, rec: &RequestRecord, as_json: bool, today: NaiveDate) -> CliResult {
    let s = rec.summary(id, today);
    if as_json {
        let v = json!({"request": s, "answers": rec.answers, "tracking": rec.tracking,
                       "draft": rec.wizard.as_ref().map(|w| w.draft())});
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!("{}", list_line(&s));
    if let Some(r) = s.receipt_on {
        println!(
            "receipt      {r}{}",
            if s.receipt_assumed {
                " (assumed from the channel: `request mark ID acknowledged --date D` records the real day)"
            } else {
                ""
            }
        );
    }
    if let Some(rule) = rec.rule() {
        println!("law          {}", rule.en.law);
        println!("deadline     {}", rule.en.deadline);
        println!("rule checked {}", rule.last_checked);
    }
    if let Some(l) = s.extension_limit {
        println!("an extension can move the due date to {l} at most");
    }
    for r in &s.reminders {
        println!(
            "reminder     {} {}",
            r.on,
            serde_json::to_value(r.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
    }
    if let Some(c) = s.complaint_by {
        println!("complain by  {c}");
    }
    if let Some(st) = &s.study_id {
        println!("study        {st}");
    }
    Ok(())
}

fn print_rules(as_json: bool) -> CliResult {
    if as_json {
        println!(
            "{}",
            serde_json::to_string_pretty(rules::all()).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    for r in rules::all() {
        println!("{}  {}", r.jurisdiction.code(), r.jurisdiction.label());
        println!("  law        {}", r.en.law);
        println!("  deadline   {}", r.en.deadline);
        println!("  extension  {}", r.en.extension);
        println!("  fees       {}", r.en.fee);
        println!("  format     {}", r.en.format);
        println!(
            "  complaints {} ({})",
            r.en.authority, r.en.authority_address
        );
        if !r.en.refusal.is_empty() {
            println!("  refusal    {}", r.en.refusal);
        }
        if !r.en.expedited.is_empty() {
            println!("  expedited  {}", r.en.expedited);
        }
        if !r.en.provider_complaint.is_empty() {
            println!("  first      {}", r.en.provider_complaint);
        }
        for s in r.sources {
            println!("  source     {}, {} <{}>", s.title, s.section, s.url);
        }
        for n in r.notes {
            println!("  note       {n}");
        }
        println!("  checked    {}", r.last_checked);
        println!();
    }
    Ok(())
}

// ----- the interactive wizard -----

fn prompt_err(e: dialoguer::Error) -> String {
    format!("cannot ask in this terminal: {e}")
}

fn ask(label: &str, current: &str) -> CliResult<String> {
    dialoguer::Input::<String>::new()
        .with_prompt(label)
        .with_initial_text(current)
        .allow_empty(true)
        .interact_text()
        .map(|s| s.trim().to_string())
        .map_err(prompt_err)
}

fn choose(label: &str, items: &[&str], current: usize) -> CliResult<usize> {
    dialoguer::Select::new()
        .with_prompt(label)
        .items(items)
        .default(current)
        .interact()
        .map_err(prompt_err)
}

fn confirm(label: &str, current: bool) -> CliResult<bool> {
    dialoguer::Confirm::new()
        .with_prompt(label)
        .default(current)
        .interact()
        .map_err(prompt_err)
}

/// Ask the current step's questions and turn the answers into events.
fn ask_step(w: &Wizard) -> CliResult<Vec<Event>> {
    let d = w.draft();
    Ok(match w.step() {
        Step::Jurisdiction => {
            let labels: Vec<&str> = Jurisdiction::ALL.iter().map(|j| j.label()).collect();
            let cur = d
                .jurisdiction
                .and_then(|j| Jurisdiction::ALL.iter().position(|x| *x == j))
                .unwrap_or(0);
            vec![Event::SetJurisdiction(
                Jurisdiction::ALL[choose("Where is the provider?", &labels, cur)?],
            )]
        }
        Step::Provider => {
            let p = Provider {
                name: ask(
                    "Provider (hospital, clinic, imaging centre)",
                    &d.provider.name,
                )?,
                address: ask(
                    "Records department's postal address (lines separated by ;)",
                    &d.provider.address,
                )?,
                email: ask("Records department's email (optional)", &d.provider.email)?,
                fax: ask("Records department's fax (optional)", &d.provider.fax)?,
                authority: if w.view().authority_needed {
                    ask(
                        "Supervisory authority to complain to if needed: name and address (lines separated by ;); list at https://www.edpb.europa.eu/about-edpb/about-edpb/members_en (optional now)",
                        &d.provider.authority,
                    )?
                    .replace(';', "\n")
                } else {
                    String::new()
                },
            };
            let mut ev = vec![Event::SetProvider(p)];
            if let Some(j) = d.jurisdiction {
                if j.languages().len() > 1 {
                    let cur = usize::from(d.language == Language::Fr);
                    let i = choose("Language of the letter", &["English", "Français"], cur)?;
                    ev.push(Event::SetLanguage(if i == 1 {
                        Language::Fr
                    } else {
                        Language::En
                    }));
                }
            }
            ev
        }
        Step::Patient => vec![Event::SetPatient(Patient {
            name: ask("Your full name, as the provider knows it", &d.patient.name)?,
            date_of_birth: ask("Date of birth (YYYY-MM-DD)", &d.patient.date_of_birth)?,
            address: ask(
                "Your postal address (lines separated by ;; needed if a CD or USB is posted to you)",
                &d.patient.address,
            )?,
            email: ask("Your email (optional)", &d.patient.email)?,
            phone: ask("Your phone (optional)", &d.patient.phone)?,
            record_number: ask(
                "Your record or patient number there (optional)",
                &d.patient.record_number,
            )?,
        })],
        Step::Studies => {
            let all = confirm("All your imaging there?", d.studies.all)?;
            let mut s = Studies {
                all,
                reports: d.studies.reports,
                expedited: d.studies.expedited.clone(),
                ..Studies::default()
            };
            if !all {
                s.description = ask(
                    "Which studies (e.g. CT of the head, March 2024)",
                    &d.studies.description,
                )?;
                s.modality = ask(
                    "Kind of scan: CT, MRI, X-ray... (optional)",
                    &d.studies.modality,
                )?;
                s.body_part = ask("Body part (optional)", &d.studies.body_part)?;
                s.from = ask("From date, YYYY-MM-DD (optional)", &d.studies.from)?;
                s.to = ask("To date, YYYY-MM-DD (optional)", &d.studies.to)?;
            }
            s.reports = confirm("The radiology reports too?", d.studies.reports)?;
            let mut ev = vec![Event::SetStudies(s)];
            if w.view().expedited_available {
                let prev = d.studies.expedited.clone();
                if confirm(
                    "Do you need them urgently, before 30 days (for example a second opinion before a treatment decision)?",
                    prev.is_some(),
                )? {
                    let prev = prev.unwrap_or_default();
                    ev.push(Event::SetExpedited(Some(Expedited {
                        by: ask("Needed by (YYYY-MM-DD)", &prev.by)?,
                        reason: ask("Why (goes in the letter)", &prev.reason)?,
                    })));
                } else {
                    ev.push(Event::SetExpedited(None));
                }
            }
            ev
        }
        Step::Format => {
            let v = w.view();
            let labels: Vec<&str> = v.formats.iter().map(|c| c.label).collect();
            let cur = usize::from(d.format == Some(Format::DicomMedia));
            let i = choose("How should the images come?", &labels, cur)?;
            vec![Event::SetFormat(if i == 1 {
                Format::DicomMedia
            } else {
                Format::DicomDownload
            })]
        }
        Step::Delivery => {
            let cur = usize::from(matches!(d.delivery, Some(Delivery::Doctor(_))));
            let i = choose(
                "Send them to",
                &["me", "a doctor, directly (named next)"],
                cur,
            )?;
            if i == 0 {
                vec![Event::SetDelivery(Delivery::Patient)]
            } else {
                let prev = match &d.delivery {
                    Some(Delivery::Doctor(doc)) => doc.clone(),
                    _ => Doctor::default(),
                };
                vec![Event::SetDelivery(Delivery::Doctor(Doctor {
                    name: ask("Doctor's name", &prev.name)?,
                    address: ask("Doctor's address (lines separated by ;)", &prev.address)?,
                    email: ask("Doctor's email (optional)", &prev.email)?,
                }))]
            }
        }
        Step::Review | Step::Done => Vec::new(),
    })
}

fn save(vault: &Vault, id: &str, w: &Wizard, today: NaiveDate) -> CliResult {
    let mut rec = vault.request(id).map_err(err)?;
    rec.wizard = Some(w.clone());
    if rec.created_on > today {
        rec.created_on = today;
    }
    vault.update_request(id, &rec).map_err(err)
}

fn interactive(vault: &Vault, id: &str, mut w: Wizard, today: NaiveDate) -> CliResult {
    if !std::io::stdin().is_terminal() {
        return Err("no terminal to ask in: pass --answers FILE.json".into());
    }
    println!("Request your images. Your answers are saved as you go: `scanpass request resume {id}` continues later.");
    loop {
        let v = w.view();
        println!("\n[{}/{}] {}\n{}", v.number, v.count, v.title, v.help);
        for e in &v.errors {
            println!("  ! {e}");
        }
        if v.step == Step::Review {
            for n in &v.warnings {
                println!("  note: {n}");
            }
        }
        let effects = match v.step {
            Step::Done => break,
            Step::Review => {
                for l in &v.review {
                    println!("  {:<16} {}", l.label, l.value);
                }
                let i = choose(
                    "Ready?",
                    &[
                        "Make the request",
                        "Change an answer",
                        "Save and finish later",
                    ],
                    0,
                )?;
                match i {
                    0 => w.update(Event::Generate),
                    1 => {
                        let steps = [
                            Step::Jurisdiction,
                            Step::Provider,
                            Step::Patient,
                            Step::Studies,
                            Step::Format,
                            Step::Delivery,
                        ];
                        let names: Vec<&str> = steps.iter().map(|s| s.title()).collect();
                        let s = choose("Which one?", &names, 0)?;
                        w.update(Event::GoTo(steps[s]))
                    }
                    _ => {
                        save(vault, id, &w, today)?;
                        println!("saved: `scanpass request resume {id}` continues");
                        return Ok(());
                    }
                }
            }
            _ => {
                let mut fx = Vec::new();
                for e in ask_step(&w)? {
                    fx.extend(w.update(e));
                }
                fx.extend(w.update(Event::Next));
                fx
            }
        };
        for fx in effects {
            match fx {
                Effect::Save => save(vault, id, &w, today)?,
                Effect::Generated(a) => {
                    let rec = RequestRecord::new(*a, today);
                    vault.update_request(id, &rec).map_err(err)?;
                    println!("\n{}", list_line(&rec.summary(id, today)));
                    println!("Next: `scanpass request letter {id} --out letter.pdf` (or --text), send it, then `scanpass request mark {id} sent`.");
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
