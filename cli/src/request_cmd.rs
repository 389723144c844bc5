//! `scanpass request ...`: the records request (issue 5). The core decides (rules, deadlines,
//! wizard, letters, tracking, what to do next: `scanpass_core::request::flow` and the app's own
//! request screen, `screens::request::RequestWizard`, which the interactive wizard drives field
//! by field); this shell only asks in a terminal, reads files, writes letters and prints.
//! Requests live encrypted in the vault's index.
//!
//! Today's date comes from the local clock, or from `SCANPASS_TODAY` (YYYY-MM-DD) when set, so
//! that tests can drive a request through its deadlines.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Subcommand, ValueEnum};
use scanpass_core::request::dates::parse_iso;
use scanpass_core::request::flow::{self, FixedClock, RequestError};
use scanpass_core::request::letter::Letter;
use scanpass_core::request::{rules, Channel, Mark, RequestRecord, RequestSummary};
use scanpass_core::screens::request::{FieldKind, RequestWizard, WizardEvent};
use scanpass_core::text::Language;
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
                    let vault = Arc::new(vault);
                    let clock = Arc::new(FixedClock::new(today));
                    let screen = RequestWizard::new(vault.clone(), Language::En, clock);
                    interactive(&vault, screen, today)
                }
            }
        }
        RequestCommand::Resume { id } => {
            let vault = Arc::new(vault_cmd::open(&dir)?);
            let id = vault.resolve_request(&id).map_err(err)?;
            if vault.request(&id).map_err(err)?.answers.is_some() {
                return Err("this request is already finished: see `request show`".into());
            }
            let clock = Arc::new(FixedClock::new(today));
            let screen =
                RequestWizard::resume(vault.clone(), Language::En, clock, &id).map_err(err)?;
            interactive(&vault, screen, today)
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
            if rec.answers.is_none() {
                return Err("this request is not finished: `request resume` it first".into());
            }
            let date = date.map(|d| parse_date("--date", &d)).transpose()?;
            let l = flow::request_letter(&rec, date, today).map_err(refused)?;
            emit(&l, out.as_deref(), text)
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
            let rec = vault.request(&id).map_err(err)?;
            let on = match date {
                Some(d) => parse_date("--date", &d)?,
                None => today,
            };
            let mark = match event {
                MarkEvent::Sent => flow::sent(
                    &rec,
                    on,
                    channel
                        .map(|c| {
                            Channel::from_code(&c).ok_or(
                                "--channel: must be one of email, post, fax, portal, in-person",
                            )
                        })
                        .transpose()?,
                ),
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
            let (rec, notes) = flow::mark(&vault, &id, mark, today).map_err(refused)?;
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
            let date = date.map(|d| parse_date("--date", &d)).transpose()?;
            let (_, l) = flow::follow_up(&vault, &id, date, today).map_err(refused)?;
            emit(&l, out.as_deref(), text)
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
            let date = date.map(|d| parse_date("--date", &d)).transpose()?;
            let given = authority.is_some();
            let (_, l) = flow::complaint(&vault, &id, authority.as_deref(), date, today).map_err(
                |e| match e {
                    // the option given was refused: its name (`--authority: is too long`)
                    RequestError::Refused(e)
                        if given && e.iter().all(|e| e.field == "authority") =>
                    {
                        format!("--{}", RequestError::Refused(e))
                    }
                    e => refused(e),
                },
            )?;
            emit(&l, out.as_deref(), text)
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

fn refused(e: RequestError) -> String {
    e.to_string()
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
    let (id, rec, warnings) =
        flow::from_answers_file(vault, &bytes, today).map_err(|e| match e {
            RequestError::Refused(_) => format!("answers file: {e}"),
            RequestError::Vault(e) => err(e),
        })?;
    for w in &warnings {
        eprintln!("note: {w}");
    }
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
    println!("next         {}", flow::next_step(rec, today).code());
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
        match r.en.authority_address {
            // the patient names the authority (the EU: one per member state)
            "" => println!("  complaints {}", r.en.authority),
            address => println!("  complaints {} ({address})", r.en.authority),
        }
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

// ----- the interactive wizard: the app's wizard screen, asked field by field -----

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

/// Ask the current step's fields, in the screen's order (a field that appears after an answer,
/// such as the doctor's name, is asked in its turn), then `Next`.
fn ask_step(screen: &mut RequestWizard) -> CliResult {
    let mut asked = HashSet::new();
    loop {
        let v = screen.view().map_err(err)?;
        let Some(f) = v.fields.iter().find(|f| !asked.contains(&f.id)).cloned() else {
            break;
        };
        asked.insert(f.id.clone());
        if let Some(e) = &f.error {
            println!("  ! {}: {e}", f.label);
        }
        let label = match &f.hint {
            Some(h) => format!("{} ({h})", f.label),
            None => f.label.clone(),
        };
        let event = match f.kind {
            FieldKind::Toggle => WizardEvent::SetToggle {
                on: confirm(&label, f.value == "true")?,
                field: f.id,
            },
            FieldKind::Choice => {
                let labels: Vec<&str> = f.choices.iter().map(|c| c.label.as_str()).collect();
                let cur = f
                    .choices
                    .iter()
                    .position(|c| c.code == f.value)
                    .unwrap_or(0);
                let i = choose(&label, &labels, cur)?;
                WizardEvent::Choose {
                    code: f.choices[i].code.clone(),
                    field: f.id,
                }
            }
            _ => WizardEvent::SetText {
                value: ask(&label, &f.value)?,
                field: f.id,
            },
        };
        screen.handle(event).map_err(err)?;
    }
    screen.handle(WizardEvent::Next).map_err(err)?;
    Ok(())
}

fn interactive(vault: &Vault, mut screen: RequestWizard, today: NaiveDate) -> CliResult {
    if !std::io::stdin().is_terminal() {
        return Err("no terminal to ask in: pass --answers FILE.json".into());
    }
    println!("Request your images. Your answers are saved as you go: `scanpass request resume ID` continues later.");
    loop {
        let v = screen.view().map_err(err)?;
        println!("\n[{}] {}\n{}", v.progress, v.title, v.help);
        for e in &v.errors {
            println!("  ! {e}");
        }
        for n in &v.warnings {
            println!("  note: {n}");
        }
        match v.step.as_str() {
            "done" => break,
            "review" => {
                for l in &v.review {
                    println!("  {:<20} {}", l.label, l.value);
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
                    0 => {
                        let v = screen.handle(WizardEvent::Generate).map_err(err)?;
                        if let (true, Some(id)) = (v.finished, &v.request_id) {
                            let rec = vault.request(id).map_err(err)?;
                            println!("\n{}", list_line(&rec.summary(id, today)));
                            println!("Next: `scanpass request letter {id} --out letter.pdf` (or --text), send it, then `scanpass request mark {id} sent`.");
                            return Ok(());
                        }
                    }
                    1 => {
                        let items: Vec<String> = v
                            .review
                            .iter()
                            .map(|l| format!("{}: {}", l.label, l.value))
                            .collect();
                        let items: Vec<&str> = items.iter().map(String::as_str).collect();
                        let k = choose("Which one?", &items, 0)?;
                        let step = v.review[k].step.clone();
                        screen.handle(WizardEvent::Edit { step }).map_err(err)?;
                    }
                    _ => {
                        let id = v.request_id.as_deref().unwrap_or("ID");
                        println!("saved: `scanpass request resume {id}` continues");
                        return Ok(());
                    }
                }
            }
            _ => ask_step(&mut screen)?,
        }
    }
    Ok(())
}
