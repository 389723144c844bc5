//! The letters: the request, the polite follow-up once overdue, and the complaint draft to the
//! right authority. Each is built as a [`Letter`] (blocks of text in the jurisdiction's terms,
//! citing its rule) and written as plain text (for email or a portal form) or as PDF.
//! Languages: English everywhere; French for Canada (CA, CA-ON).

use chrono::NaiveDate;

use super::answers::{Answers, Delivery, FieldError, Format};
use super::dates::{deadline, long_en, long_fr};
use super::rules::{Rule, RuleText};
use super::tracking::{Channel, RequestRecord, FOLLOW_UP_DAYS};
use super::Language;

/// The paper size: US Letter in North America, A4 elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageSize {
    A4,
    UsLetter,
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A short heading.
    Heading(String),
    Para(String),
    Bullets(Vec<String>),
    /// Lines kept as they are (an address).
    Lines(Vec<String>),
}

/// A letter, ready to write as text or PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub language: Language,
    pub page: PageSize,
    pub sender: Vec<String>,
    pub date: String,
    pub recipient: Vec<String>,
    pub subject: String,
    pub salutation: String,
    pub body: Vec<Block>,
    pub closing: String,
    pub signature: Vec<String>,
    /// Sources and the date the rules were checked.
    pub footer: Vec<String>,
    /// A field the PDF fonts cannot show (the text letter has no such limit).
    pdf_blocker: Option<FieldError>,
}

impl Letter {
    /// Plain text, for email or a portal form: paragraphs separated by blank lines, not wrapped.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut push = |s: &str| {
            out.push_str(s);
            out.push('\n');
        };
        for l in &self.sender {
            push(l);
        }
        push("");
        push(&self.date);
        push("");
        for l in &self.recipient {
            push(l);
        }
        push("");
        push(&self.subject);
        push("");
        push(&self.salutation);
        push("");
        for b in &self.body {
            match b {
                Block::Heading(h) => push(h),
                Block::Para(p) => {
                    push(p);
                    push("");
                }
                Block::Bullets(items) => {
                    for i in items {
                        push(&format!("- {i}"));
                    }
                    push("");
                }
                Block::Lines(lines) => {
                    for l in lines {
                        push(&format!("  {l}"));
                    }
                    push("");
                }
            }
        }
        push(&self.closing);
        push("");
        for l in &self.signature {
            push(l);
        }
        push("");
        push("--");
        for l in &self.footer {
            push(l);
        }
        out
    }

    /// The letter as PDF bytes. Fails, naming the field, when a field holds characters the PDF
    /// base fonts cannot show (outside Western European script): use the text letter then.
    pub fn to_pdf(&self) -> crate::Result<Vec<u8>> {
        if let Some(e) = &self.pdf_blocker {
            return Err(crate::Error::InvalidArgument(format!(
                "{}: has characters the PDF letter cannot show yet; use the text letter",
                e.field
            )));
        }
        super::pdf::render(self)
    }
}

/// Localised fixed phrases.
struct Words {
    lang: Language,
}

impl Words {
    fn date(&self, d: NaiveDate) -> String {
        match self.lang {
            Language::En => long_en(d),
            Language::Fr => long_fr(d),
        }
    }
    fn fr(&self) -> bool {
        self.lang == Language::Fr
    }
    fn pick<'a>(&self, en: &'a str, fr: &'a str) -> &'a str {
        if self.fr() {
            fr
        } else {
            en
        }
    }
    fn channel(&self, c: Channel) -> &'static str {
        match (self.lang, c) {
            (Language::En, Channel::Email) => "by email",
            (Language::En, Channel::Post) => "by post",
            (Language::En, Channel::Fax) => "by fax",
            (Language::En, Channel::Portal) => "through your online portal",
            (Language::En, Channel::InPerson) => "in person",
            (Language::Fr, Channel::Email) => "par courriel",
            (Language::Fr, Channel::Post) => "par la poste",
            (Language::Fr, Channel::Fax) => "par télécopieur",
            (Language::Fr, Channel::Portal) => "par votre portail en ligne",
            (Language::Fr, Channel::InPerson) => "en personne",
        }
    }
    /// The channel as told to a third party (the authority): the portal is the provider's.
    fn channel_theirs(&self, c: Channel) -> &'static str {
        match (self.lang, c) {
            (Language::En, Channel::Portal) => "through the provider's online portal",
            (Language::Fr, Channel::Portal) => "par le portail en ligne du fournisseur",
            _ => self.channel(c),
        }
    }
    /// The precise request for the format: the sentence every letter carries.
    fn format(&self, f: Format) -> &'static str {
        match (self.lang, f) {
            (Language::En, Format::DicomDownload) => "Please provide the complete studies as original DICOM files, not screenshots or JPEGs, by secure download link.",
            (Language::En, Format::DicomMedia) => "Please provide the complete studies as original DICOM files, not screenshots or JPEGs, on a CD or USB drive with a DICOMDIR.",
            (Language::Fr, Format::DicomDownload) => "Veuillez me fournir les examens complets sous forme de fichiers DICOM originaux, et non de captures d'écran ni de fichiers JPEG, par lien de téléchargement sécurisé.",
            (Language::Fr, Format::DicomMedia) => "Veuillez me fournir les examens complets sous forme de fichiers DICOM originaux, et non de captures d'écran ni de fichiers JPEG, sur CD ou clé USB avec un fichier DICOMDIR.",
        }
    }
    fn format_short(&self, f: Format) -> &'static str {
        match (self.lang, f) {
            (Language::En, Format::DicomDownload) => "the complete studies as original DICOM files, not screenshots or JPEGs, by secure download link",
            (Language::En, Format::DicomMedia) => "the complete studies as original DICOM files, not screenshots or JPEGs, on a CD or USB drive with a DICOMDIR",
            (Language::Fr, Format::DicomDownload) => "les examens complets sous forme de fichiers DICOM originaux, et non de captures d'écran ni de fichiers JPEG, par lien de téléchargement sécurisé",
            (Language::Fr, Format::DicomMedia) => "les examens complets sous forme de fichiers DICOM originaux, et non de captures d'écran ni de fichiers JPEG, sur CD ou clé USB avec un fichier DICOMDIR",
        }
    }
}

fn lines(s: &str) -> Vec<String> {
    s.split(['\n', ';'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn sender(a: &Answers) -> Vec<String> {
    let mut out = vec![a.patient.name.clone()];
    out.extend(lines(&a.patient.address));
    if !a.patient.email.is_empty() {
        out.push(a.patient.email.clone());
    }
    if !a.patient.phone.is_empty() {
        out.push(a.patient.phone.clone());
    }
    out
}

fn provider_block(a: &Answers, w: &Words) -> Vec<String> {
    let mut out = vec![
        w.pick("Records Department", "Service des dossiers médicaux")
            .to_string(),
        a.provider.name.clone(),
    ];
    out.extend(lines(&a.provider.address));
    if !a.provider.email.is_empty() {
        out.push(format!(
            "{}{}",
            w.pick("Email: ", "Courriel : "),
            a.provider.email
        ));
    }
    if !a.provider.fax.is_empty() {
        out.push(format!(
            "{}{}",
            w.pick("Fax: ", "Télécopieur : "),
            a.provider.fax
        ));
    }
    out
}

fn patient_line(a: &Answers, w: &Words) -> String {
    let dob = a
        .date_of_birth()
        .map(|d| w.date(d))
        .unwrap_or_else(|| a.patient.date_of_birth.clone());
    let mut s = if w.fr() {
        format!("Patient(e) : {}, né(e) le {dob}", a.patient.name)
    } else {
        format!("Patient: {}, born {dob}", a.patient.name)
    };
    if !a.patient.record_number.is_empty() {
        s.push_str(w.pick(", record number ", ", numéro de dossier "));
        s.push_str(&a.patient.record_number);
    }
    s.push('.');
    s
}

fn scope(a: &Answers, w: &Words) -> Vec<String> {
    let s = &a.studies;
    let mut out = Vec::new();
    if s.all {
        out.push(w.pick(
            "all imaging studies you hold about me (X-ray, CT, MRI, ultrasound, mammography, nuclear medicine and any other)",
            "tous les examens d'imagerie que vous détenez à mon sujet (radiographie, tomodensitométrie, IRM, échographie, mammographie, médecine nucléaire et tout autre)",
        ).to_string());
    } else {
        let mut parts = Vec::new();
        if !s.description.is_empty() {
            parts.push(s.description.clone());
        }
        if !s.modality.is_empty() {
            parts.push(format!(
                "{}{}",
                w.pick("modality: ", "modalité : "),
                s.modality
            ));
        }
        if !s.body_part.is_empty() {
            parts.push(format!(
                "{}{}",
                w.pick("body part: ", "région du corps : "),
                s.body_part
            ));
        }
        let d = |x: &str| {
            super::dates::parse_iso(x)
                .map(|d| w.date(d))
                .unwrap_or_default()
        };
        match (s.from.is_empty(), s.to.is_empty()) {
            (false, false) => parts.push(if w.fr() {
                format!("réalisés entre le {} et le {}", d(&s.from), d(&s.to))
            } else {
                format!("performed between {} and {}", d(&s.from), d(&s.to))
            }),
            (false, true) => parts.push(if w.fr() {
                format!("réalisés depuis le {}", d(&s.from))
            } else {
                format!("performed on or after {}", d(&s.from))
            }),
            (true, false) => parts.push(if w.fr() {
                format!("réalisés jusqu'au {}", d(&s.to))
            } else {
                format!("performed on or before {}", d(&s.to))
            }),
            (true, true) => {}
        }
        out.push(format!(
            "{}{}",
            w.pick(
                "the following imaging studies: ",
                "les examens d'imagerie suivants : "
            ),
            parts.join("; ")
        ));
    }
    if s.reports {
        out.push(
            w.pick(
                "the radiology reports on these studies",
                "les rapports de radiologie de ces examens",
            )
            .to_string(),
        );
    }
    out
}

/// The patient's postal address on one line.
fn postal(a: &Answers) -> String {
    lines(&a.patient.address).join(", ")
}

fn delivery_way(a: &Answers, w: &Words) -> String {
    match &a.delivery {
        Delivery::Patient if a.format == Format::DicomMedia => {
            format!(
                "{}{}",
                w.pick("by post to me at ", "par la poste à mon adresse, "),
                postal(a)
            )
        }
        Delivery::Doctor(d) => {
            if w.fr() {
                format!("au médecin {} (coordonnées dans ma demande)", d.name)
            } else {
                format!("to {} (details in my request)", d.name)
            }
        }
        Delivery::Patient if !a.patient.email.is_empty() => {
            format!(
                "{}{}",
                w.pick("to me at ", "à mon adresse courriel "),
                a.patient.email
            )
        }
        Delivery::Patient => w
            .pick("to me at the address above", "à mon adresse ci-dessus")
            .to_string(),
    }
}

/// The sources, and the day the rules were checked when that day is not after the letter's
/// own date (a letter dated earlier cannot vouch for a later check).
fn footer(rule: &Rule, w: &Words, date: NaiveDate) -> Vec<String> {
    let mut out = vec![w.pick("Legal basis:", "Fondement juridique :").to_string()];
    for s in rule.sources {
        out.push(format!("{}, {} - {}", s.title, s.section, s.url));
    }
    let checked = super::dates::parse_iso(rule.last_checked);
    out.push(match checked {
        Some(c) if c <= date => {
            if w.fr() {
                format!(
                    "Règles vérifiées le {}. Lettre préparée avec Scanpass.",
                    w.date(c)
                )
            } else {
                format!(
                    "Rules last checked on {}. Letter prepared with Scanpass.",
                    w.date(c)
                )
            }
        }
        _ => w
            .pick(
                "Letter prepared with Scanpass.",
                "Lettre préparée avec Scanpass.",
            )
            .to_string(),
    });
    out
}

fn text_of(a: &Answers) -> &'static RuleText {
    let rule = a.jurisdiction.rule();
    // validated answers only pair French with a rule that has French
    rule.text(a.language).unwrap_or(&rule.en)
}

fn page_for(a: &Answers) -> PageSize {
    use super::Jurisdiction::*;
    match a.jurisdiction {
        Us | Ca | CaOn => PageSize::UsLetter,
        Eu | Uk | Au => PageSize::A4,
    }
}

/// The first field whose text the PDF fonts cannot show.
fn pdf_blocker(a: &Answers) -> Option<FieldError> {
    let mut fields: Vec<(&str, &str)> = vec![
        ("provider.name", &a.provider.name),
        ("provider.address", &a.provider.address),
        ("provider.email", &a.provider.email),
        ("provider.fax", &a.provider.fax),
        ("patient.name", &a.patient.name),
        ("patient.address", &a.patient.address),
        ("patient.email", &a.patient.email),
        ("patient.phone", &a.patient.phone),
        ("patient.record_number", &a.patient.record_number),
        ("studies.description", &a.studies.description),
        ("studies.modality", &a.studies.modality),
        ("studies.body_part", &a.studies.body_part),
    ];
    if let Delivery::Doctor(d) = &a.delivery {
        fields.push(("deliver_to.name", &d.name));
        fields.push(("deliver_to.address", &d.address));
        fields.push(("deliver_to.email", &d.email));
    }
    fields
        .into_iter()
        .find(|(_, v)| !v.chars().all(|c| super::pdf::encodable(c) || c == '\n'))
        .map(|(f, _)| FieldError::new(f, "unsupported characters"))
}

fn base(a: &Answers, date: NaiveDate, w: &Words) -> Letter {
    Letter {
        language: a.language,
        page: page_for(a),
        sender: sender(a),
        date: w.date(date),
        recipient: Vec::new(),
        subject: String::new(),
        salutation: w
            .pick("Dear Sir or Madam,", "Madame, Monsieur,")
            .to_string(),
        body: Vec::new(),
        closing: w
            .pick(
                "Yours sincerely,",
                "Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.",
            )
            .to_string(),
        signature: vec![a.patient.name.clone()],
        footer: footer(a.jurisdiction.rule(), w, date),
        pdf_blocker: pdf_blocker(a),
    }
}

/// The request letter, dated `date` (the day it is sent, or today).
pub fn request_letter(a: &Answers, date: NaiveDate) -> Letter {
    let w = Words { lang: a.language };
    let rule = a.jurisdiction.rule();
    let t = text_of(a);
    let mut l = base(a, date, &w);
    l.recipient = provider_block(a, &w);
    l.salutation = w
        .pick("Dear Records Department,", "Madame, Monsieur,")
        .to_string();
    l.subject = if w.fr() {
        format!(
            "Objet : Demande de copie de mes images médicales en vertu de {}",
            t.law
        )
    } else {
        format!(
            "Subject: Request for a copy of my medical images under {}",
            t.law
        )
    };
    let mut b = vec![
        Block::Para(t.right.to_string()),
        Block::Para(patient_line(a, &w)),
    ];

    b.push(Block::Heading(
        w.pick("What I ask for", "Ce que je demande").into(),
    ));
    b.push(Block::Bullets(scope(a, &w)));

    b.push(Block::Heading(w.pick("Format", "Format").into()));
    b.push(Block::Para(format!(
        "{} {}",
        w.format(a.format),
        w.pick(
            "Complete means every series and every image of each study, exactly as stored in your imaging system (PACS), with their DICOM headers; not a selection of key images.",
            "Complets signifie chaque série et chaque image de chaque examen, telles qu'elles sont conservées dans votre système d'imagerie (PACS), avec leurs en-têtes DICOM, et non une sélection d'images.",
        )
    )));
    b.push(Block::Para(
        match (t.format_third_party, &a.delivery) {
            (Some(f), Delivery::Doctor(_)) => f,
            _ => t.format,
        }
        .to_string(),
    ));

    b.push(Block::Heading(w.pick("Delivery", "Envoi").into()));
    match &a.delivery {
        Delivery::Patient => b.push(Block::Para(format!(
            "{} {}.",
            w.pick("Please send them", "Veuillez me les envoyer"),
            match (w.fr(), a.format, a.patient.email.is_empty()) {
                (false, Format::DicomMedia, _) => format!("by post to me at {}", postal(a)),
                (true, Format::DicomMedia, _) => {
                    format!("par la poste à mon adresse, {}", postal(a))
                }
                (false, _, false) => format!("to me at {}", a.patient.email),
                (false, _, true) => "to me at the address above".to_string(),
                (true, _, false) => format!("à mon adresse courriel {}", a.patient.email),
                (true, _, true) => "à mon adresse ci-dessus".to_string(),
            }
        ))),
        Delivery::Doctor(d) => {
            b.push(Block::Para(t.third_party.to_string()));
            if a.format == Format::DicomMedia {
                b.push(Block::Para(
                    w.pick(
                        "Please post the CD or USB drive to this address:",
                        "Veuillez poster le CD ou la clé USB à cette adresse :",
                    )
                    .into(),
                ));
            }
            let mut dl = vec![d.name.clone()];
            dl.extend(lines(&d.address));
            if !d.email.is_empty() {
                dl.push(d.email.clone());
            }
            b.push(Block::Lines(dl));
        }
    }

    let to_doctor = matches!(a.delivery, Delivery::Doctor(_));
    b.push(Block::Heading(w.pick("Fees", "Frais").into()));
    b.push(Block::Para(
        match t.fee_third_party {
            Some(f) if to_doctor => f,
            _ => t.fee,
        }
        .to_string(),
    ));

    b.push(Block::Heading(w.pick("Time limit", "Délai").into()));
    b.push(Block::Para(t.deadline.to_string()));
    if let (true, Some(due)) = (
        rule.deadline_is_guide,
        deadline(date, rule.deadline, rule.roll),
    ) {
        b.push(Block::Para(format!(
            "If you receive this request on {}, the OAIC's guide of 30 calendar days runs to {}.",
            w.date(date),
            w.date(due)
        )));
    } else if let Some(due) = deadline(date, rule.deadline, rule.roll) {
        b.push(Block::Para(if w.fr() {
            format!("Le délai court à compter de la réception de la présente demande; si vous la recevez le {}, votre réponse est due au plus tard le {}.", w.date(date), w.date(due))
        } else {
            format!("The time limit runs from the day you receive this request; if you receive it on {}, your response is due by {}.", w.date(date), w.date(due))
        }));
    }
    let mut ext = t.extension.to_string();
    if let Some(limit) = rule
        .extension
        .and_then(|e| deadline(date, rule.deadline.plus(e), rule.roll))
    {
        ext.push(' ');
        ext.push_str(&if w.fr() {
            format!(
                "Même avec une prorogation, la date limite serait le {}.",
                w.date(limit)
            )
        } else {
            format!(
                "Even with an extension, the latest date would be {}.",
                w.date(limit)
            )
        });
    }
    b.push(Block::Para(ext));
    if let Some(x) = &a.studies.expedited {
        if !t.expedited.is_empty() {
            let by = super::dates::parse_iso(&x.by)
                .map(|d| w.date(d))
                .unwrap_or_else(|| x.by.clone());
            b.push(Block::Heading(
                w.pick("Expedited access", "Accès accéléré").into(),
            ));
            b.push(Block::Para(
                t.expedited
                    .replace("{by}", &by)
                    .replace("{reason}", x.reason.trim_end_matches('.')),
            ));
        }
    }

    b.push(Block::Heading(
        w.pick("If you refuse", "En cas de refus").into(),
    ));
    b.push(Block::Para(t.refusal.to_string()));
    b.push(Block::Para(w.pick(
        "If you need anything from me to process this request, such as proof of identity, please tell me promptly.",
        "Si vous avez besoin de quoi que ce soit pour traiter cette demande, par exemple une preuve d'identité, veuillez me le faire savoir rapidement.",
    ).into()));
    b.push(Block::Para(
        w.pick(
            "Thank you for your help.",
            "Je vous remercie de votre aide.",
        )
        .into(),
    ));
    l.body = b;
    l.signature.insert(
        0,
        w.pick(
            "Signature: ______________________________",
            "Signature : ______________________________",
        )
        .to_string(),
    );
    l
}

fn need_answers(r: &RequestRecord) -> Result<&Answers, FieldError> {
    r.answers
        .as_ref()
        .ok_or_else(|| FieldError::new("status", "finish the request first"))
}

/// The sentence on receipt: recorded, or assumed from the channel.
fn receipt_sentence(r: &RequestRecord, w: &Words) -> Option<String> {
    let receipt = r.receipt_on()?;
    let sent = r.tracking.sent?;
    Some(match (w.fr(), r.receipt_assumed(), receipt == sent.on) {
        (false, false, _) => format!("It reached you on {}.", w.date(receipt)),
        (true, false, _) => format!("Vous l'avez reçue le {}.", w.date(receipt)),
        (false, true, true) => "It reached you the day I sent it.".to_string(),
        (true, true, true) => "Vous l'avez reçue le jour même de l'envoi.".to_string(),
        (false, true, false) => format!(
            "Allowing {} days for the post, I count it as received on {}.",
            sent.channel.assumed_delivery_days(),
            w.date(receipt)
        ),
        (true, true, false) => format!(
            "En comptant {} jours d'acheminement postal, je la considère comme reçue le {}.",
            sent.channel.assumed_delivery_days(),
            w.date(receipt)
        ),
    })
}

/// What happened, for the complaint to the authority dated `on` (told in the third person).
fn history(r: &RequestRecord, a: &Answers, w: &Words, t: &RuleText, on: NaiveDate) -> Vec<String> {
    let rule = a.jurisdiction.rule();
    let mut out = Vec::new();
    if let Some(s) = r.tracking.sent {
        out.push(if w.fr() {
            format!(
                "{} : j'ai envoyé ma demande {}.",
                w.date(s.on),
                w.channel_theirs(s.channel)
            )
        } else {
            format!(
                "{}: I sent my request {}.",
                w.date(s.on),
                w.channel_theirs(s.channel)
            )
        });
    }
    if let (Some(rc), false) = (r.tracking.acknowledged_on, r.receipt_assumed()) {
        out.push(if w.fr() {
            format!("{} : {} a reçu ma demande.", w.date(rc), a.provider.name)
        } else {
            format!("{}: {} received my request.", w.date(rc), a.provider.name)
        });
    }
    // the time limit, once it has passed and unless a refusal came first
    let passed = |due: NaiveDate| due < on && r.tracking.refused_on.is_none_or(|x| x > due);
    if let Some(due) = r.original_due().filter(|d| passed(*d)) {
        out.push(match (w.fr(), rule.deadline_is_guide) {
            (true, _) => format!(
                "{} : selon mon calcul, le délai de réponse prévu par la {} a expiré.",
                w.date(due),
                t.short
            ),
            (false, true) => format!(
                "{}: by my reckoning, a reasonable period to respond under {} had passed (the OAIC's guide of 30 days from receipt).",
                w.date(due),
                t.short
            ),
            (false, false) => format!(
                "{}: by my reckoning, the time limit under {} ended.",
                w.date(due),
                t.short
            ),
        });
    }
    if let Some(e) = r.tracking.extension {
        out.push(match (w.fr(), e.in_time) {
            (false, true) => format!("{}: the provider extended the time limit to {}, which has passed.", w.date(e.noticed_on), w.date(e.until)),
            (false, false) => format!("{}: the provider sent a notice of extension after the time limit had ended, so it did not extend it.", w.date(e.noticed_on)),
            (true, true) => format!("{} : le fournisseur a prorogé le délai jusqu'au {}, date maintenant passée.", w.date(e.noticed_on), w.date(e.until)),
            (true, false) => format!("{} : le fournisseur a envoyé un avis de prorogation après l'expiration du délai, qui n'a donc pas été prolongé.", w.date(e.noticed_on)),
        });
    }
    if let Some(d) = r.tracking.refused_on {
        out.push(if w.fr() {
            format!("{} : {} a refusé ma demande.", w.date(d), a.provider.name)
        } else {
            format!("{}: {} refused my request.", w.date(d), a.provider.name)
        });
    }
    if let Some(f) = r.tracking.follow_up_on {
        out.push(match (w.fr(), t.provider_complaint.is_empty()) {
            (true, _) => format!("{} : j'ai envoyé une lettre de relance accordant {FOLLOW_UP_DAYS} jours supplémentaires.", w.date(f)),
            (false, true) => format!("{}: I sent a follow-up letter giving {FOLLOW_UP_DAYS} more days.", w.date(f)),
            (false, false) => format!(
                "{}: I complained to {} about the handling of my request{}.",
                w.date(f),
                a.provider.name,
                complaint_citation(a)
            ),
        });
    }
    if let Some(o) = r.tracking.outcome_on {
        out.push(format!(
            "{}: {} told me the outcome of my complaint, which did not give me the images.",
            w.date(o),
            a.provider.name
        ));
    }
    out
}

/// The citation of the complaint to the provider, for the history (", under ...").
fn complaint_citation(a: &Answers) -> &'static str {
    match a.jurisdiction {
        super::Jurisdiction::Uk => " under section 164A of the Data Protection Act 2018",
        super::Jurisdiction::Au => " as the Privacy Act 1988 requires first (s. 40(1A))",
        _ => "",
    }
}

/// The follow-up once the due date has passed, dated `on`: a polite reminder giving
/// [`FOLLOW_UP_DAYS`] more days, or, where the authority expects it first, a complaint to the
/// provider (after a refusal too).
pub fn follow_up_letter(r: &RequestRecord, on: NaiveDate) -> Result<Letter, FieldError> {
    let a = need_answers(r)?;
    let (Some(sent), Some(due)) = (r.tracking.sent, r.due_on()) else {
        return Err(FieldError::new("status", "mark the request sent first"));
    };
    let w = Words { lang: a.language };
    let rule = a.jurisdiction.rule();
    let t = text_of(a);
    let complaint = !t.provider_complaint.is_empty();
    let mut l = base(a, on, &w);
    l.recipient = provider_block(a, &w);
    l.salutation = w
        .pick("Dear Records Department,", "Madame, Monsieur,")
        .to_string();
    l.subject = match (w.fr(), complaint) {
        (true, _) => format!(
            "Objet : Relance - ma demande du {} de copie de mes images médicales",
            w.date(sent.on)
        ),
        (false, false) => format!(
            "Subject: Follow-up - my request of {} for a copy of my medical images",
            w.date(sent.on)
        ),
        (false, true) => format!(
            "Subject: Complaint - my request of {} for a copy of my medical images",
            w.date(sent.on)
        ),
    };
    let wait = r.follow_up_wait();
    let reply_by = wait.end_from(on).unwrap_or(on);
    let wait_words = if w.fr() {
        wait.words_fr()
    } else {
        wait.words_en()
    };
    let mut b = Vec::new();
    let mut p = if w.fr() {
        format!("Le {}, je vous ai demandé {} une copie de mes images médicales en vertu de {}. Une copie de cette demande est jointe.", w.date(sent.on), w.channel(sent.channel), t.law)
    } else {
        format!("On {} I asked you {} for a copy of my medical images under {}. A copy of that request is attached.", w.date(sent.on), w.channel(sent.channel), t.law)
    };
    if let Some(rs) = receipt_sentence(r, &w) {
        p.push(' ');
        p.push_str(&rs);
    }
    b.push(Block::Para(p));
    let mut p = if let Some(d) = r.tracking.refused_on {
        if w.fr() {
            format!("Le {}, vous avez refusé ma demande.", w.date(d))
        } else {
            format!("On {} you refused my request.", w.date(d))
        }
    } else {
        let mut p = match (w.fr(), rule.deadline_is_guide) {
            (true, _) => format!(
                "Selon mon calcul, le délai de réponse a pris fin le {}.",
                w.date(due)
            ),
            (false, true) => format!(
                "By my reckoning, a reasonable period for your response has passed: the OAIC's guide of 30 calendar days from receipt ran to {}.",
                w.date(due)
            ),
            (false, false) => format!(
                "By my reckoning, the time limit for your response ended on {}.",
                w.date(due)
            ),
        };
        if let Some(e) = r.tracking.extension {
            p.push(' ');
            p.push_str(&match (w.fr(), e.in_time) {
                (false, true) => format!("That is the date to which your notice of {} extended it.", w.date(e.noticed_on)),
                (false, false) => format!("Your notice of extension of {} came after the time limit had ended, so it did not extend it.", w.date(e.noticed_on)),
                (true, true) => format!("C'est la date jusqu'à laquelle votre avis du {} l'avait prorogé.", w.date(e.noticed_on)),
                (true, false) => format!("Votre avis de prorogation du {} est arrivé après l'expiration du délai et ne l'a donc pas prolongé.", w.date(e.noticed_on)),
            });
        }
        p.push(' ');
        p.push_str(w.pick(
            "I have not received the images or a decision.",
            "Je n'ai reçu ni les images ni de décision.",
        ));
        if rule.deemed_refusal {
            p.push(' ');
            p.push_str(&if w.fr() {
                format!("En vertu de la {}, l'absence de réponse dans le délai équivaut à un refus de ma demande.", t.short)
            } else {
                format!("Under {}, not responding within the time limit counts as a refusal of my request.", t.short)
            });
        }
        p
    };
    if complaint {
        p.push(' ');
        p.push_str(t.provider_complaint);
    }
    b.push(Block::Para(p));
    b.push(Block::Para(if w.fr() {
        format!("Je vous prie de m'envoyer {}, {}, dans les {wait_words} suivant la présente lettre, soit au plus tard le {}.", w.format_short(a.format), delivery_way(a, &w), w.date(reply_by))
    } else {
        format!("Please send me {}, {}, within {wait_words} of this letter, that is by {}.", w.format_short(a.format), delivery_way(a, &w), w.date(reply_by))
    }));
    b.push(Block::Para(match (w.fr(), complaint) {
        (true, _) => format!("À défaut, je saisirai {}.", t.authority),
        (false, false) => format!(
            "If I do not receive them by then, I will complain to {}.",
            t.authority
        ),
        (false, true) => format!(
            "If this complaint does not resolve the matter by then, I will complain to {}.",
            t.authority
        ),
    }));
    b.push(Block::Para(patient_line(a, &w)));
    l.body = b;
    Ok(l)
}

/// The authority's address lines: the rule's, or the one the patient chose (EU).
fn authority_lines(a: &Answers, t: &RuleText) -> Result<Vec<String>, FieldError> {
    if a.jurisdiction.rule().patient_names_authority {
        let l = lines(&a.provider.authority);
        if l.is_empty() {
            return Err(FieldError::new(
                "authority",
                "choose the supervisory authority to complain to (in particular of your residence, work or where the provider is; list: https://www.edpb.europa.eu/about-edpb/about-edpb/members_en) and give its name and address (--authority)",
            ));
        }
        return Ok(l);
    }
    Ok(lines(t.authority_address))
}

/// The complaint draft to the authority, dated `on`.
pub fn complaint_letter(r: &RequestRecord, on: NaiveDate) -> Result<Letter, FieldError> {
    let a = need_answers(r)?;
    if r.tracking.sent.is_none() {
        return Err(FieldError::new("status", "mark the request sent first"));
    }
    let w = Words { lang: a.language };
    let t = text_of(a);
    let mut l = base(a, on, &w);
    l.recipient = authority_lines(a, t)?;
    l.subject = if w.fr() {
        format!(
            "Objet : Plainte contre {} - ma demande d'accès à mes images médicales",
            a.provider.name
        )
    } else {
        format!(
            "Subject: Complaint about {} - my request for access to my medical images",
            a.provider.name
        )
    };
    let mut where_ = a.provider.name.clone();
    let addr = lines(&a.provider.address).join(", ");
    if !addr.is_empty() {
        where_.push_str(", ");
        where_.push_str(&addr);
    }
    let mut b = Vec::new();
    let rule = a.jurisdiction.rule();
    b.push(Block::Para(match (w.fr(), rule.patient_names_authority) {
        (true, _) => format!("Je dépose auprès de {} une plainte contre {where_}, qui ne m'a pas donné accès à mes images médicales comme l'exige {}.", t.authority, t.law),
        (false, true) => format!("Under Article 77 GDPR, I complain to you about {where_}, which has not given me access to my medical images as {} requires.", t.law),
        (false, false) => format!("I complain to {} about {where_}, which has not given me access to my medical images as {} requires.", t.authority, t.law),
    }));
    b.push(Block::Heading(w.pick("What happened", "Les faits").into()));
    b.push(Block::Bullets(history(r, a, &w, t, on)));
    if r.tracking.refused_on.is_none() {
        b.push(Block::Para(if w.fr() {
            format!(
                "En date du {}, je n'ai reçu ni les images ni de décision.",
                w.date(on)
            )
        } else {
            format!(
                "As of {}, I have received neither the images nor a decision.",
                w.date(on)
            )
        }));
    }
    b.push(Block::Para(if w.fr() {
        format!("Je vous demande d'examiner ma plainte et d'exiger que {} me fournisse {}, comme je l'ai demandé.", a.provider.name, w.format_short(a.format))
    } else {
        format!("I ask you to investigate and to require {} to give me {}, as I asked.", a.provider.name, w.format_short(a.format))
    }));
    let sent = r.tracking.sent.map(|s| w.date(s.on)).unwrap_or_default();
    let complaint = !t.provider_complaint.is_empty();
    b.push(Block::Para(
        match (w.fr(), r.tracking.follow_up_on, complaint) {
            (false, Some(f), true) => format!(
                "Enclosed: my request of {sent}, my complaint to {} of {}{}.",
                a.provider.name,
                w.date(f),
                if r.tracking.outcome_on.is_some() {
                    " and its answer"
                } else {
                    ""
                }
            ),
            (false, Some(f), false) => format!(
                "Enclosed: my request of {sent} and my follow-up letter of {}.",
                w.date(f)
            ),
            (false, None, _) => {
                format!("Enclosed: my request of {sent} and the provider's answer.")
            }
            (true, Some(f), _) => format!(
                "Pièces jointes : ma demande du {sent} et ma lettre de relance du {}.",
                w.date(f)
            ),
            (true, None, _) => {
                format!("Pièces jointes : ma demande du {sent} et la réponse du fournisseur.")
            }
        },
    ));
    b.push(Block::Para(patient_line(a, &w)));
    l.body = b;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::answers::{Doctor, Patient, Provider, Studies};
    use crate::request::dates::parse_iso;
    use crate::request::{Jurisdiction, Mark};

    fn d(s: &str) -> NaiveDate {
        parse_iso(s).unwrap()
    }

    fn answers(j: Jurisdiction, lang: Language) -> Answers {
        Answers {
            jurisdiction: j,
            language: lang,
            provider: Provider {
                name: "Hôpital Exemple".into(),
                address: "1 Main St\nToronto ON".into(),
                email: "records@example.org".into(),
                ..Provider::default()
            },
            patient: Patient {
                name: "Zoé Example".into(),
                date_of_birth: "1980-02-29".into(),
                email: "zoe@example.net".into(),
                ..Patient::default()
            },
            studies: Studies {
                modality: "CT".into(),
                body_part: "head".into(),
                ..Studies::default()
            },
            format: Format::DicomMedia,
            delivery: Delivery::Doctor(Doctor {
                name: "Dr B. Example".into(),
                address: "2 Side St".into(),
                email: String::new(),
            }),
        }
    }

    #[test]
    fn the_request_cites_the_rule_dates_and_the_precise_format() {
        for j in Jurisdiction::ALL {
            let a = answers(*j, Language::En);
            let text = request_letter(&a, d("2025-01-31")).to_text();
            let rule = j.rule();
            assert!(text.contains(rule.en.law), "{j:?}");
            assert!(text.contains(rule.en.deadline), "{j:?}");
            assert!(text.contains("the complete studies as original DICOM files, not screenshots or JPEGs, on a CD or USB drive with a DICOMDIR"), "{j:?}");
            assert!(text.contains("31 January 2025"), "{j:?}");
            assert!(text.contains(rule.en.third_party), "{j:?}");
            let due = deadline(d("2025-01-31"), rule.deadline, rule.roll).unwrap();
            assert!(text.contains(&long_en(due)), "{j:?}: due {due}");
        }
        let eu =
            request_letter(&answers(Jurisdiction::Eu, Language::En), d("2025-01-31")).to_text();
        assert!(eu.contains("due by 28 February 2025"));
    }

    #[test]
    fn french_letters_for_canada() {
        let a = answers(Jurisdiction::Ca, Language::Fr);
        let text = request_letter(&a, d("2025-03-01")).to_text();
        assert!(text.contains("LPRPDE"));
        assert!(text.contains("les examens complets sous forme de fichiers DICOM originaux, et non de captures d'écran ni de fichiers JPEG"));
        assert!(text.contains("1er mars 2025"));
        // 30 days after 1 March 2025 is Monday 31 March
        assert!(text.contains("31 mars 2025"), "{text}");
        assert!(text.contains("né(e) le 29 février 1980"));
    }

    #[test]
    fn follow_up_and_complaint_follow_the_tracking() {
        let a = answers(Jurisdiction::Ca, Language::En);
        let mut r = RequestRecord::new(a, d("2025-01-01"));
        assert!(follow_up_letter(&r, d("2025-03-01")).is_err());
        r.mark(
            Mark::Sent {
                on: d("2025-01-02"),
                channel: Channel::Fax,
            },
            d("2025-06-01"),
        )
        .unwrap();
        r.follow_up(d("2025-02-10"), d("2025-06-01")).unwrap();
        let f = follow_up_letter(&r, d("2025-02-10")).unwrap().to_text();
        assert!(f.contains("On 2 January 2025 I asked you by fax"));
        assert!(f.contains("ended on 1 February 2025"));
        assert!(f.contains("counts as a refusal"));
        assert!(f.contains("by 24 February 2025"));
        assert!(f.contains("Office of the Privacy Commissioner of Canada"));
        let c = complaint_letter(&r, d("2025-02-25")).unwrap().to_text();
        assert!(c.starts_with("Zoé Example"));
        assert!(
            c.contains("Office of the Privacy Commissioner of Canada\n30 Victoria Street")
                || c.contains("Office of the Privacy Commissioner of Canada, 30 Victoria Street")
        );
        assert!(c.contains("10 February 2025: I sent a follow-up letter"));
        assert!(c.contains("As of 25 February 2025"));
    }

    #[test]
    fn pdf_refuses_fields_it_cannot_show_and_names_them() {
        let mut a = answers(Jurisdiction::Uk, Language::En);
        a.patient.name = "王小明".into();
        let e = request_letter(&a, d("2025-01-31")).to_pdf().unwrap_err();
        assert!(e.to_string().starts_with("patient.name:"), "{e}");
        assert!(!e.to_string().contains("王"));
        assert!(request_letter(&a, d("2025-01-31"))
            .to_text()
            .contains("王小明"));
    }
}
