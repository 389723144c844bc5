//! The law of each jurisdiction as data: deadlines, extensions, fees, format, third-party delivery
//! and where to complain, each with its source and the date it was last checked. Letters quote
//! these texts; deadlines are computed from the periods here by [`super::dates`].
//!
//! Keeping the rules current: re-read every source listed, update the text and the periods, and
//! set `last_checked`. A change of a period breaks the unit tests on purpose.

use serde::Serialize;

use super::dates::{Period, Roll};
use super::{Jurisdiction, Language};

/// A source a rule rests on: the text, the part of it relied on, where to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Source {
    pub title: &'static str,
    /// The sections, articles or paragraphs relied on.
    pub section: &'static str,
    pub url: &'static str,
}

/// The words of a rule in one language, as its letters quote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleText {
    /// The law's name, short ("HIPAA", "GDPR", "LPRPDE").
    pub short: &'static str,
    /// The law, with its citation, as a subject line names it.
    pub law: &'static str,
    /// The patient's right of access.
    pub right: &'static str,
    /// The time limit.
    pub deadline: &'static str,
    /// The extension and the notice it needs; what silence means where the law says.
    pub extension: &'static str,
    /// Fees, when the copy comes to the patient.
    pub fee: &'static str,
    /// Fees when the copy goes to a doctor, where the law's fee limits do not follow the copy
    /// (`None`: as `fee`).
    pub fee_third_party: Option<&'static str>,
    /// The format the patient may ask for, and the fallback where the law has one.
    pub format: &'static str,
    /// The format paragraph when the copy goes to a doctor (`None`: as `format`).
    pub format_third_party: Option<&'static str>,
    /// Delivery to a named doctor: the direction, or the patient's consent to the disclosure.
    pub third_party: &'static str,
    /// What the provider must do if it refuses or does not act.
    pub refusal: &'static str,
    /// Expedited access, where the law has it: `{by}` and `{reason}` are filled in (empty when
    /// the law has none).
    pub expedited: &'static str,
    /// The sentence that makes the follow-up letter a formal complaint to the provider, where the
    /// authority expects one first (empty otherwise).
    pub provider_complaint: &'static str,
    /// Who hears complaints, with the citation.
    pub authority: &'static str,
    /// The authority's address (postal and web); empty when the patient names the authority.
    pub authority_address: &'static str,
}

/// One jurisdiction's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub jurisdiction: Jurisdiction,
    /// The time limit, counted from receipt of the request.
    pub deadline: Period,
    /// Whether `deadline` is a guide to a "reasonable period" rather than a fixed limit
    /// (Australia, for organisations): letters then speak of a reasonable period.
    pub deadline_is_guide: bool,
    /// The longest extension the law allows beyond `deadline`; `None` when the law has none (the
    /// provider and patient may still agree a date).
    pub extension: Option<Period>,
    /// Whether the extension counts only if notified within the first period.
    pub extension_notice_within_deadline: bool,
    /// Days on which a deadline moves to the next day.
    pub roll: Roll,
    /// Whether silence past the deadline is, in law, a refusal.
    pub deemed_refusal: bool,
    /// Where the authority expects a complaint to the provider first (the follow-up letter is
    /// that complaint, after a refusal too): how long the provider has to answer it before the
    /// complaint draft to the authority, unless it answers sooner. `None`: the follow-up gives
    /// [`super::FOLLOW_UP_DAYS`], and a refusal can go to the authority at once.
    pub provider_complaint_wait: Option<Period>,
    /// How long after the refusal or the missed deadline a complaint may be made, where a limit
    /// is set (in law or in the authority's stated practice; see `notes`).
    pub complaint_within: Option<Period>,
    /// Whether `complaint_within` runs from the last contact with the provider (the follow-up,
    /// its answer) rather than from the refusal or the missed deadline.
    pub complaint_within_from_last_contact: bool,
    /// Whether the patient names the complaint authority (`Provider::authority`): the law lets
    /// them choose among several.
    pub patient_names_authority: bool,
    /// A warning for the patient (not the letter) when the copy goes to a doctor.
    pub third_party_warning: &'static str,
    /// A warning for the patient about whether this law applies to the provider at all.
    pub scope_warning: &'static str,
    pub en: RuleText,
    pub fr: Option<RuleText>,
    pub sources: &'static [Source],
    /// The day the texts and periods were last checked against `sources` (ISO date).
    pub last_checked: &'static str,
    /// Limits of this encoding that a patient or an engineer should know.
    pub notes: &'static [&'static str],
}

impl Rule {
    /// The texts in `lang`, when the rule has them.
    pub fn text(&self, lang: Language) -> Option<&RuleText> {
        match lang {
            Language::En => Some(&self.en),
            Language::Fr => self.fr.as_ref(),
        }
    }
}

/// Every rule, one per jurisdiction.
pub fn all() -> &'static [Rule] {
    RULES
}

/// The rule of `j`.
pub fn rule(j: Jurisdiction) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.jurisdiction == j)
        .expect("one rule per jurisdiction (checked by a test)")
}

const CHECKED: &str = "2026-12-06";

static RULES: &[Rule] = &[
    Rule {
        jurisdiction: Jurisdiction::Us,
        deadline: Period::Days(30),
        deadline_is_guide: false,
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::None,
        deemed_refusal: false,
        provider_complaint_wait: None,
        complaint_within: Some(Period::Days(180)),
        complaint_within_from_last_contact: false,
        patient_names_authority: false,
        third_party_warning: "A copy sent straight to a doctor at your direction is not covered by HIPAA's patient fee limits since Ciox Health v. Azar (D.D.C. 2020), and the direction covers only electronic copies of records kept in an electronic health record. The provider may charge the doctor's copy at its usual rates. Asking for the copy yourself keeps the fee limits and the right to the format you ask for; you can then share it with your doctor.",
        scope_warning: "",
        en: RuleText {
            short: "HIPAA",
            law: "the HIPAA Privacy Rule's right of access, 45 CFR 164.524",
            right: "Under the HIPAA Privacy Rule (45 CFR 164.524), I have the right to inspect and obtain a copy of the protected health information about me in your designated record set, which includes my medical images and the reports on them.",
            deadline: "You must act on this request no later than 30 days after receiving it (45 CFR 164.524(b)(2)(i)).",
            extension: "If you cannot, you may extend the time once, by no more than 30 days, and only if within those first 30 days you give me a written statement of the reasons for the delay and the date by which you will act (45 CFR 164.524(b)(2)(ii)).",
            fee: "You may charge only a reasonable, cost-based fee for the labor of copying, supplies and postage, and nothing for searching for or retrieving the records (45 CFR 164.524(c)(4)). HHS guidance (2016) allows a flat fee of no more than $6.50 for an electronic copy of records kept electronically. Please tell me any fee before you proceed.",
            fee_third_party: Some("Please tell me of any fee before you send the copy, so that I can confirm it."),
            format: "Because these records are kept electronically, you must give me an electronic copy in the electronic form and format I ask for if it is readily producible in that form and format (45 CFR 164.524(c)(2)(ii)). Imaging systems keep studies as DICOM files, so the original DICOM files are readily producible. If for any reason they are not, the rule requires a readable electronic form and format that we agree (45 CFR 164.524(c)(2)(ii)): please contact me to agree one before sending anything else, such as paper prints or screenshots.",
            format_third_party: Some("Please send the copy as the original DICOM files, the electronic form in which imaging systems keep these studies. If they are not readily producible, please contact me to agree another readable electronic form and format (as 45 CFR 164.524(c)(2)(ii) provides for my own copy) before sending anything else."),
            third_party: "I direct you to transmit a copy of the protected health information about me in my electronic health record, in electronic format, directly to the person named below (45 CFR 164.524(c)(3)(ii); HITECH Act, 42 U.S.C. 17935(e)). This direction is in writing, signed by me below, and clearly identifies that person and where to send the copy.",
            refusal: "If you deny any part of this request, you must give me a timely written denial in plain language stating the basis for it, any right to have it reviewed, and how I may complain to you and to the Secretary of Health and Human Services (45 CFR 164.524(d)(2)).",
            expedited: "",
            provider_complaint: "",
            authority: "the U.S. Department of Health and Human Services, Office for Civil Rights (OCR), under 45 CFR 160.306",
            authority_address: "Centralized Case Management Operations, U.S. Department of Health and Human Services, 200 Independence Avenue S.W., Room 509F HHH Bldg., Washington, D.C. 20201; online at https://ocrportal.hhs.gov/ocr/smartscreen/main.jsf",
        },
        fr: None,
        sources: &[
            Source { title: "45 CFR 164.524, Access of individuals to protected health information", section: "(b)(2) time limits; (c)(2)(ii) electronic form and format, and the agreed fallback; (c)(3)(ii) direction to a third party, in writing and signed; (c)(4) fees; (d)(2) denial", url: "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-E/section-164.524" },
            Source { title: "HITECH Act, 42 U.S.C. 17935(e)", section: "(e)(1) electronic copy of an electronic health record, and its transmission to a person the individual designates", url: "https://www.law.cornell.edu/uscode/text/42/17935" },
            Source { title: "HHS, Individuals' Right under HIPAA to Access their Health Information (guidance, 2016)", section: "fees for the individual's own copy, including the flat fee for electronic copies of electronic records", url: "https://www.hhs.gov/hipaa/for-professionals/privacy/guidance/access/index.html" },
            Source { title: "Ciox Health, LLC v. Azar, 435 F. Supp. 3d 30 (D.D.C. 2020), and HHS's notice of 28 January 2020", section: "third-party directive limited to electronic copies of electronic health records; the fee limits apply only to the individual's own copy", url: "https://www.hhs.gov/hipaa/court-order-right-of-access/index.html" },
            Source { title: "45 CFR 160.306, Complaints to the Secretary", section: "(b)(3) within 180 days of when the complainant knew", url: "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-160/subpart-C/section-160.306" },
        ],
        last_checked: CHECKED,
        notes: &[
            "Days are calendar days; a deadline on a weekend or holiday does not move.",
            "Since Ciox Health v. Azar (D.D.C. 2020) and HHS's notice of 28 January 2020, the direction to send a copy to a third party covers only an electronic copy of information in an electronic health record, and the fee limits do not apply to copies sent to third parties: the letter to a doctor claims no fee limit and the patient is warned.",
            "State laws may set shorter deadlines or lower fees; HIPAA is the floor.",
            "The complaint limit of 180 days runs from when the patient knew of the failure; OCR may waive it for good cause.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Eu,
        deadline: Period::Months(1),
        deadline_is_guide: false,
        extension: Some(Period::Months(2)),
        extension_notice_within_deadline: true,
        roll: Roll::Weekend,
        deemed_refusal: false,
        provider_complaint_wait: None,
        complaint_within: None,
        complaint_within_from_last_contact: false,
        patient_names_authority: true,
        third_party_warning: "",
        scope_warning: "",
        en: RuleText {
            short: "GDPR",
            law: "Article 15 of the General Data Protection Regulation (EU) 2016/679",
            right: "Under Article 15 of the General Data Protection Regulation (EU) 2016/679 (GDPR), I have the right to obtain a copy of the personal data you process about me, which includes my medical images and the reports on them.",
            deadline: "You must provide it without undue delay and in any event within one month of receiving this request (Art. 12(3) GDPR), the month counted under Regulation (EEC, Euratom) No 1182/71.",
            extension: "That period may be extended by two further months only where necessary, taking into account the complexity and number of requests, and only if you inform me of the extension and the reasons within one month of receiving this request (Art. 12(3) GDPR).",
            fee: "The first copy must be provided free of charge (Art. 12(5) and Art. 15(1) and (3) GDPR); the Court of Justice has confirmed that this applies to a patient's first copy of their medical records, whatever the reason for asking (Case C-307/22, FT v DW, 26 October 2023).",
            fee_third_party: None,
            format: "Where a request is made by electronic means, the information is to be provided in a commonly used electronic form unless I ask otherwise (Art. 15(3) GDPR). For medical images, that form is DICOM, the standard that every imaging system and viewer reads.",
            format_third_party: None,
            third_party: "Please send the copy directly to the doctor named below. I give my explicit consent to your disclosing to that doctor, for this purpose, the data concerning my health that the copy holds (Art. 9(2)(a) GDPR).",
            refusal: "If you do not take action on this request, you must inform me without delay and at the latest within one month of receiving it of the reasons, and of the possibility of lodging a complaint with a supervisory authority and seeking a judicial remedy (Art. 12(4) GDPR).",
            expedited: "",
            provider_complaint: "",
            authority: "a data protection supervisory authority, in particular in the Member State of my habitual residence, place of work or place of the alleged infringement (Art. 77 GDPR)",
            authority_address: "",
        },
        fr: None,
        sources: &[
            Source { title: "Regulation (EU) 2016/679 (GDPR)", section: "Art. 9(2)(a) explicit consent; Art. 12(3) time limit and extension; Art. 12(4) reasons and remedies if no action; Art. 12(5) free of charge; Art. 15(1) and (3) access and copy; Art. 77 complaint", url: "https://eur-lex.europa.eu/eli/reg/2016/679/oj" },
            Source { title: "Regulation (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates and time limits", section: "Art. 3(1), 3(2)(c) and 3(4)", url: "https://eur-lex.europa.eu/eli/reg/1971/1182/oj" },
            Source { title: "EDPB Guidelines 01/2022 on data subject rights - Right of access, version 2.0", section: "time limits, format, refusals", url: "https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-012022-data-subject-rights-right-access_en" },
            Source { title: "CJEU, Case C-307/22, FT v DW, judgment of 26 October 2023 (ECLI:EU:C:2023:811)", section: "operative part 1: Art. 12(5), 15(1) and 15(3), a first copy free of charge, whatever the purpose", url: "https://curia.europa.eu/juris/liste.jsf?num=C-307/22" },
            Source { title: "EDPB, Members (the supervisory authority of each Member State)", section: "where the patient finds the authority to name", url: "https://www.edpb.europa.eu/about-edpb/about-edpb/members_en" },
        ],
        last_checked: CHECKED,
        notes: &[
            "One month ends on the same date of the next month, or on that month's last day when it has no such date (1182/71 Art. 3(2)(c)): a request received on 31 January is due on 28 February, or 29 February in a leap year.",
            "A deadline on a Saturday or Sunday moves to the next working day (1182/71 Art. 3(4)); public holidays differ by Member State and are not modelled.",
            "The period runs from receipt; a request sent by post is received later than it is sent.",
            "The patient chooses the supervisory authority (Art. 77: in particular of their residence, place of work or of the infringement) and names it; the complaint letter is addressed to it.",
            "GDPR sets no time limit for complaints; national procedure may.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Uk,
        deadline: Period::Months(1),
        deadline_is_guide: false,
        extension: Some(Period::Months(2)),
        extension_notice_within_deadline: true,
        roll: Roll::Weekend,
        deemed_refusal: false,
        provider_complaint_wait: Some(Period::Days(30)),
        complaint_within: Some(Period::Months(3)),
        complaint_within_from_last_contact: true,
        patient_names_authority: false,
        third_party_warning: "",
        scope_warning: "",
        en: RuleText {
            short: "UK GDPR",
            law: "Article 15 of the UK GDPR (with Articles 12 and 12A) and the Data Protection Act 2018",
            right: "Under Article 15 of the UK GDPR and the Data Protection Act 2018, I have the right to a copy of the personal data you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond without undue delay and at the latest within one month of the relevant time: the latest of the day you receive this request, the day you receive any information you reasonably ask me for to confirm my identity, and the day any fee you may charge is paid (UK GDPR Art. 12(3) and Art. 12A). If you reasonably need me to clarify which information or processing this request concerns, you may ask me, and the time from your asking until my reply does not count (Art. 12A); this letter says precisely what I ask for, to spare us that step.",
            extension: "You may extend this by two further months only where that is necessary because of the complexity or number of my requests, by telling me so, with your reasons, within one month of the relevant time (UK GDPR Art. 12A).",
            fee: "The copy must be free of charge (UK GDPR Art. 12(5) and 15(3)); a reasonable fee is allowed only for a manifestly unfounded or excessive request or for further copies.",
            fee_third_party: None,
            format: "As this request is made by electronic means, the information should be provided in a commonly used electronic form (UK GDPR Art. 15(3)). For medical images, that form is DICOM, the standard that every imaging system and viewer reads.",
            format_third_party: None,
            third_party: "Please send the copy directly to the clinician named below. I give my explicit consent to your disclosing to that clinician, for this purpose, the data concerning my health that the copy holds (UK GDPR Art. 9(2)(a)).",
            refusal: "If you do not take action on this request, please tell me without delay, and within the time limit, your reasons and how I can complain, to you and to the Information Commissioner (UK GDPR Art. 12(4); Data Protection Act 2018, s. 164A).",
            expedited: "",
            provider_complaint: "Please treat this letter as a complaint under section 164A of the Data Protection Act 2018. You must acknowledge it within 30 days of receiving it, take appropriate steps to respond to it, including making enquiries, keep me informed of progress, and tell me its outcome without undue delay (s. 164A(3) to (5)).",
            authority: "the Information Commissioner, under section 165 of the Data Protection Act 2018",
            authority_address: "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; online at https://ico.org.uk/make-a-complaint/",
        },
        fr: None,
        sources: &[
            Source { title: "UK GDPR", section: "Art. 9(2)(a); Art. 12(3) to (5); Art. 12A time limits (inserted by the Data (Use and Access) Act 2025, s. 76); Art. 15", url: "https://www.legislation.gov.uk/eur/2016/679/contents" },
            Source { title: "Data Protection Act 2018", section: "s. 164A complaints to controllers (inserted by the Data (Use and Access) Act 2025, s. 103); s. 165 complaints to the Commissioner; s. 54 (the same time-limit wording for Part 3)", url: "https://www.legislation.gov.uk/ukpga/2018/12/contents" },
            Source { title: "Data (Use and Access) Act 2025 (c. 18)", section: "s. 76 time limits (Art. 12A); s. 103 and Sch. 10 complaints", url: "https://www.legislation.gov.uk/ukpga/2025/18/contents" },
            Source { title: "The Data (Use and Access) Act 2025 (Commencement No. 6 and Transitional and Saving Provisions) Regulations 2026, SI 2026/82", section: "reg. 2(h): s. 76 in force 5 February 2026; reg. 3: s. 103 and Sch. 10 in force 19 June 2026", url: "https://www.legislation.gov.uk/uksi/2026/82/made" },
            Source { title: "ICO, Right of access: what should we consider when responding to a request?", section: "how long do we have to comply; counting the month; extensions", url: "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/right-of-access/what-should-we-consider-when-responding-to-a-request/" },
            Source { title: "ICO, Data protection complaints: what to expect", section: "complain to the organisation first, follow up after 30 days, then complain to the ICO within three months of the last contact", url: "https://ico.org.uk/make-a-complaint/data-protection-complaints/what-to-expect/" },
        ],
        last_checked: CHECKED,
        notes: &[
            "The month runs from the relevant time (Art. 12A: the latest of receipt, proof of identity and fee) to the corresponding date of the next month, or that month's last day; a deadline on a weekend or bank holiday moves to the next working day (bank holidays are not modelled). A pause for clarification (Art. 12A) is not modelled: record the date the provider received the clarification as the date of receipt.",
            "Since 19 June 2026 (DPA 2018 s. 164A) the follow-up letter is a complaint to the controller; the ICO expects that complaint first and a follow-up after 30 days, so the complaint draft to the ICO comes 30 days after it, or sooner when the controller tells the patient the outcome.",
            "The three months to complain is the ICO's stated practice, counted from the last meaningful contact with the organisation, not a statutory limit.",
            "The texts are those in force since 19 June 2026; a letter for an earlier date would cite Art. 12(3) alone and go to the ICO without the s. 164A step.",
            "For a deceased patient, the Access to Health Records Act 1990 applies instead.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Ca,
        deadline: Period::Days(30),
        deadline_is_guide: false,
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::Sunday,
        deemed_refusal: true,
        provider_complaint_wait: None,
        complaint_within: Some(Period::Months(6)),
        complaint_within_from_last_contact: false,
        patient_names_authority: false,
        third_party_warning: "",
        scope_warning: "PIPEDA applies to private-sector organisations in their commercial activities. It most likely does not apply if this provider is a public hospital or other public body (provincial access laws apply), a health information custodian under a provincial health-information law (Ontario: choose CA-ON; also New Brunswick, Nova Scotia, Newfoundland and Labrador), or an organisation in Alberta, British Columbia or Quebec (their own private-sector laws). Check before sending, and cite the provincial law where it applies.",
        en: RuleText {
            short: "PIPEDA",
            law: "section 8 of the Personal Information Protection and Electronic Documents Act (PIPEDA)",
            right: "Under section 8 of the Personal Information Protection and Electronic Documents Act (PIPEDA) and principle 4.9 of its Schedule 1, I have the right to access the personal information you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond with due diligence and in any case not later than 30 days after receipt of this request (PIPEDA s. 8(3)).",
            extension: "You may extend this time limit only (a) by up to 30 days, if meeting it would unreasonably interfere with your activities or the time needed for consultations necessary to respond would make it impracticable to meet, or (b) for the time needed to convert the information into an alternative format; in either case you must send me, within those 30 days, a notice of extension giving the new time limit, the reasons and my right to complain to the Privacy Commissioner (s. 8(4)). If you do not respond within the time limit, you are deemed to have refused my request (s. 8(5)).",
            fee: "Access must be at minimal or no cost to me (Schedule 1, principle 4.9.4); you may charge only if you first tell me the approximate cost and I confirm the request (s. 8(6)).",
            fee_third_party: None,
            format: "The information must be provided in a form that is generally understandable, that is, intelligible to me (Schedule 1, principle 4.9.4). For my images, I ask that you provide the original DICOM files, the form in which imaging systems keep them and which every imaging viewer opens.",
            format_third_party: None,
            third_party: "Please send the copy directly to the physician named below; I consent to your disclosing it to that physician for this purpose (Schedule 1, principle 4.3).",
            refusal: "If you refuse my request, you must inform me in writing, setting out the reasons and any recourse I have (PIPEDA s. 8(7)).",
            expedited: "",
            provider_complaint: "",
            authority: "the Office of the Privacy Commissioner of Canada (OPC), under PIPEDA s. 11",
            authority_address: "Office of the Privacy Commissioner of Canada, 30 Victoria Street, Gatineau, Quebec K1A 1H3; online at https://www.priv.gc.ca/en/report-a-concern/",
        },
        fr: Some(RuleText {
            short: "LPRPDE",
            law: "l'article 8 de la Loi sur la protection des renseignements personnels et les documents électroniques (LPRPDE)",
            right: "En vertu de l'article 8 de la Loi sur la protection des renseignements personnels et les documents électroniques (LPRPDE) et du principe 4.9 de son annexe 1, j'ai le droit d'accéder aux renseignements personnels que vous détenez à mon sujet, y compris mes images médicales et les rapports qui s'y rapportent.",
            deadline: "Vous devez répondre avec la diligence voulue et, en tout état de cause, au plus tard 30 jours après la réception de la présente demande (LPRPDE, par. 8(3)).",
            extension: "Vous ne pouvez proroger ce délai que a) d'au plus 30 jours, si l'observation du délai entraverait gravement vos activités ou si les consultations nécessaires pour donner suite à la demande rendraient pratiquement impossible son observation, ou b) de la période nécessaire pour transférer les renseignements sur un support de substitution; dans l'un ou l'autre cas, vous devez m'envoyer, dans ces 30 jours, un avis de prorogation indiquant le nouveau délai, les motifs de la prorogation et mon droit de déposer une plainte auprès du commissaire (par. 8(4)). À défaut de réponse dans le délai, vous êtes réputé avoir refusé ma demande (par. 8(5)).",
            fee: "L'accès doit m'être donné gratuitement ou moyennant des frais minimes (annexe 1, principe 4.9.4); vous ne pouvez exiger des frais que si vous m'informez d'abord du coût approximatif et que je maintiens ma demande (par. 8(6)).",
            fee_third_party: None,
            format: "Les renseignements doivent être communiqués sous une forme généralement compréhensible, c'est-à-dire intelligible pour moi (annexe 1, principe 4.9.4). Pour mes images, je demande que vous me fournissiez les fichiers DICOM originaux, la forme sous laquelle les systèmes d'imagerie les conservent et que tout visualiseur d'imagerie ouvre.",
            format_third_party: None,
            third_party: "Veuillez transmettre la copie directement au médecin nommé ci-dessous; je consens à ce que vous la lui communiquiez à cette fin (annexe 1, principe 4.3).",
            refusal: "Si vous refusez ma demande, vous devez m'en informer par écrit, en motivant votre refus et en m'indiquant les recours dont je dispose (LPRPDE, par. 8(7)).",
            expedited: "",
            provider_complaint: "",
            authority: "le Commissariat à la protection de la vie privée du Canada (CPVP), en vertu de l'article 11 de la LPRPDE",
            authority_address: "Commissariat à la protection de la vie privée du Canada, 30, rue Victoria, Gatineau (Québec) K1A 1H3; en ligne : https://www.priv.gc.ca/fr/signaler-un-probleme/",
        }),
        sources: &[
            Source { title: "PIPEDA, S.C. 2000, c. 5", section: "s. 8(3) time limit; s. 8(4)(a) and (b) extension and its notice; s. 8(5) deemed refusal; s. 8(6) costs; s. 8(7) reasons for a refusal; s. 11 complaints; Schedule 1, principles 4.3 and 4.9.4", url: "https://laws-lois.justice.gc.ca/eng/acts/P-8.6/" },
            Source { title: "Interpretation Act, R.S.C. 1985, c. I-21", section: "ss. 26 to 28 and 35 (counting days and months; Sunday is a holiday)", url: "https://laws-lois.justice.gc.ca/eng/acts/I-21/" },
            Source { title: "OPC, PIPEDA interpretation bulletin: Access to personal information", section: "principle 4.9 and its clauses", url: "https://www.priv.gc.ca/en/privacy-topics/privacy-laws-in-canada/the-personal-information-protection-and-electronic-documents-act-pipeda/pipeda-compliance-help/pipeda-interpretation-bulletins/interpretations_05_access/" },
        ],
        last_checked: CHECKED,
        notes: &[
            "PIPEDA covers private organisations in commercial activity in provinces without their own law for the sector. Health custodians in Ontario, New Brunswick, Nova Scotia and Newfoundland and Labrador fall under provincial health laws (choose CA-ON for Ontario); Alberta, British Columbia and Quebec have their own laws, and public hospitals are usually under provincial access laws: the patient is warned.",
            "Principle 4.9.4's \"generally understandable\" is about intelligibility, not a right to a format: the letter asks for DICOM rather than claiming it.",
            "A deadline on a Sunday moves to Monday (Interpretation Act ss. 26 and 35); Saturday does not move; other holidays are not modelled.",
            "The extension for converting to an alternative format (s. 8(4)(b)) has no fixed length; the 30-day cap here is the one of s. 8(4)(a).",
            "The six months to complain run from the refusal or from the end of the time limit (s. 11(3)); the Commissioner may allow longer.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::CaOn,
        deadline: Period::Days(30),
        deadline_is_guide: false,
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::Sunday,
        deemed_refusal: true,
        provider_complaint_wait: None,
        complaint_within: Some(Period::Months(6)),
        complaint_within_from_last_contact: false,
        patient_names_authority: false,
        third_party_warning: "",
        scope_warning: "",
        en: RuleText {
            short: "PHIPA",
            law: "sections 52 and 54 of Ontario's Personal Health Information Protection Act, 2004 (PHIPA)",
            right: "Under Part V of Ontario's Personal Health Information Protection Act, 2004 (PHIPA), section 52, I have the right of access to the records of my personal health information in your custody or control, which include my medical images and the reports on them.",
            deadline: "You must respond as soon as possible in the circumstances but no later than 30 days after receiving this request (PHIPA s. 54(2)).",
            extension: "You may extend this by no more than 30 days only if meeting it would unreasonably interfere with your operations or the necessary consultations make it impractical, and only by giving me written notice of the length of the extension and the reason within those 30 days (s. 54(3) and (4)). If you do not respond within the time limit, you are deemed to have refused my request (s. 54(7)).",
            fee: "Any fee must not exceed the amount of reasonable cost recovery, and you must give me an estimate before you charge it (PHIPA s. 54(10) and (11)); you may waive it (s. 54(12)).",
            fee_third_party: None,
            format: "My right of access includes the right to the records in an electronic format that meets the prescribed requirements (PHIPA s. 52(1.1)): a format specified by Ontario Health, a PDF file, or any other electronic format we agree (O. Reg. 329/04, s. 18.0.1). For my images, I ask that we agree on the original DICOM files, the form in which imaging systems keep them and which every imaging viewer opens.",
            format_third_party: None,
            third_party: "Please send the copy directly to the physician named below; this letter is my consent to that disclosure (PHIPA s. 29).",
            refusal: "If you refuse any part of this request, you must tell me so in writing, with the reason where the Act requires it, and that I may complain to the Information and Privacy Commissioner (PHIPA s. 54(1)).",
            expedited: "I need access urgently: by {by}, because {reason}. I ask you to treat this as a request for expedited access under PHIPA s. 54(5): where I show you that I need access urgently within a shorter period, you must respond within that period if you are reasonably able to. I can give you evidence of the urgency on request.",
            provider_complaint: "",
            authority: "the Information and Privacy Commissioner of Ontario (IPC), under PHIPA s. 56",
            authority_address: "Information and Privacy Commissioner of Ontario, 2 Bloor Street East, Suite 1400, Toronto, Ontario M4W 1A8; online at https://www.ipc.on.ca/",
        },
        fr: Some(RuleText {
            short: "LPRPS",
            law: "les articles 52 et 54 de la Loi de 2004 sur la protection des renseignements personnels sur la santé de l'Ontario (LPRPS)",
            right: "En vertu de la partie V de la Loi de 2004 sur la protection des renseignements personnels sur la santé de l'Ontario (LPRPS), article 52, j'ai le droit d'accéder aux dossiers de renseignements personnels sur la santé me concernant dont vous avez la garde ou le contrôle, y compris mes images médicales et les rapports qui s'y rapportent.",
            deadline: "Vous devez répondre dès que possible dans les circonstances, mais au plus tard 30 jours après la réception de la présente demande (LPRPS, par. 54(2)).",
            extension: "Vous ne pouvez prolonger ce délai que d'au plus 30 jours, si le respecter entraverait abusivement vos activités ou si les consultations nécessaires le rendent difficilement applicable, et seulement en m'avisant par écrit, dans ces 30 jours, de la durée et du motif de la prorogation (par. 54(3) et (4)). À défaut de réponse dans le délai, vous êtes réputé avoir refusé ma demande (par. 54(7)).",
            fee: "Les frais éventuels ne peuvent dépasser le montant d'un recouvrement raisonnable des coûts, et vous devez m'en donner une estimation au préalable (LPRPS, par. 54(10) et (11)); vous pouvez y renoncer (par. 54(12)).",
            fee_third_party: None,
            format: "Mon droit d'accès comprend le droit d'obtenir les dossiers sous une forme électronique conforme aux exigences prescrites (LPRPS, par. 52(1.1)) : un format précisé par Santé Ontario, un fichier PDF ou tout autre format électronique dont nous convenons (Règl. de l'Ont. 329/04, art. 18.0.1). Pour mes images, je vous demande que nous convenions des fichiers DICOM originaux, la forme sous laquelle les systèmes d'imagerie les conservent et que tout visualiseur d'imagerie ouvre.",
            format_third_party: None,
            third_party: "Veuillez transmettre la copie directement au médecin nommé ci-dessous; la présente lettre vaut consentement à cette divulgation (LPRPS, art. 29).",
            refusal: "Si vous refusez une partie de la présente demande, vous devez me le faire savoir par écrit, avec le motif lorsque la Loi l'exige, et m'indiquer que je peux porter plainte auprès du Commissaire à l'information et à la protection de la vie privée (LPRPS, par. 54(1)).",
            expedited: "J'ai besoin d'un accès urgent : au plus tard le {by}, parce que {reason}. Je vous demande de traiter la présente comme une demande d'accès accéléré en vertu du paragraphe 54(5) de la LPRPS : lorsque je vous démontre que j'ai besoin d'un accès urgent dans un délai plus court, vous devez répondre dans ce délai si vous êtes raisonnablement en mesure de le faire. Je peux vous fournir la preuve de l'urgence sur demande.",
            provider_complaint: "",
            authority: "le Commissaire à l'information et à la protection de la vie privée de l'Ontario (CIPVP), en vertu de l'article 56 de la LPRPS",
            authority_address: "Commissaire à l'information et à la protection de la vie privée de l'Ontario, 2, rue Bloor Est, bureau 1400, Toronto (Ontario) M4W 1A8; en ligne : https://www.ipc.on.ca/fr/",
        }),
        sources: &[
            Source { title: "Personal Health Information Protection Act, 2004, S.O. 2004, c. 3, Sched. A", section: "s. 29 consent; s. 52(1) and (1.1) access, electronic format; s. 54(1) to (4) response and extension; s. 54(5) expedited access; s. 54(7) deemed refusal; s. 54(10) to (12) fees; s. 56 complaints", url: "https://www.ontario.ca/laws/statute/04p03" },
            Source { title: "O. Reg. 329/04 (General) under PHIPA, as amended by O. Reg. 56/23", section: "s. 18.0.1: the electronic formats of s. 52(1.1) (a format specified by Ontario Health, PDF, or another format agreed)", url: "https://www.ontario.ca/laws/regulation/040329" },
            Source { title: "Legislation Act, 2006, S.O. 2006, c. 21, Sched. F", section: "ss. 87 and 89 (holidays; time limits)", url: "https://www.ontario.ca/laws/statute/06l21" },
            Source { title: "IPC Ontario, Access and correction complaints", section: "six months from the refusal or deemed refusal", url: "https://www.ipc.on.ca/english/Access-to-Information/Complaints/" },
        ],
        last_checked: CHECKED,
        notes: &[
            "Section 52(1.1) was added in 2020 and took effect once a format was prescribed (O. Reg. 329/04 s. 18.0.1, 2022, substituted by O. Reg. 56/23): the prescribed floor is PDF or an Ontario Health format, so DICOM is asked for as an agreed format, not claimed.",
            "Expedited access (s. 54(5)) binds the custodian only where it is reasonably able to meet the patient's date and accepts the evidence of urgency; the ordinary 30-day limit still governs the due date here.",
            "A deadline on a Sunday moves to Monday (Legislation Act, 2006 ss. 87 and 89); other holidays are not modelled.",
            "The six months to complain about a refusal, or a deemed refusal, run from the refusal (PHIPA s. 56).",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Au,
        deadline: Period::Days(30),
        deadline_is_guide: true,
        extension: None,
        extension_notice_within_deadline: false,
        roll: Roll::Weekend,
        deemed_refusal: false,
        provider_complaint_wait: Some(Period::Days(30)),
        complaint_within: Some(Period::Months(12)),
        complaint_within_from_last_contact: false,
        patient_names_authority: false,
        third_party_warning: "",
        scope_warning: "",
        en: RuleText {
            short: "APP 12",
            law: "Australian Privacy Principle 12 (Schedule 1 to the Privacy Act 1988)",
            right: "Under Australian Privacy Principle 12 (Schedule 1 to the Privacy Act 1988), I have the right to access the personal information you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond within a reasonable period after this request is made (APP 12.4(a)(ii)); the OAIC's APP guidelines say that, as a general guide, a reasonable period should not exceed 30 calendar days. An agency must respond within 30 days (APP 12.4(a)(i)).",
            extension: "The Privacy Act sets no extension; if you need longer, please tell me why and the date by which I will receive the images.",
            fee: "You must not charge me for making this request, and any charge for giving access must not be excessive (APP 12.8); an agency may not charge at all (APP 12.7).",
            fee_third_party: None,
            format: "You must give access in the manner I request if it is reasonable and practicable to do so (APP 12.4(b)). Imaging systems keep studies as DICOM files, so sending those files is both. If you refuse access, or access in that manner, you must take reasonable steps to give access in a way that meets your needs and mine (APP 12.5).",
            format_third_party: None,
            third_party: "Please send the copy directly to the doctor named below. I consent to your disclosing my personal information to that doctor for this purpose (APP 6.1(a)).",
            refusal: "If you refuse access, or access in the manner I ask, you must give me a written notice setting out the reasons (unless that would be unreasonable) and the mechanisms available to complain about the refusal (APP 12.9).",
            expedited: "",
            provider_complaint: "Please treat this letter as my complaint to you about the handling of my request. I must complain to you before I can complain to the Australian Information Commissioner (Privacy Act 1988, s. 40(1A)), and the OAIC generally gives you 30 days to respond.",
            authority: "the Office of the Australian Information Commissioner (OAIC), under section 36 of the Privacy Act 1988",
            authority_address: "Office of the Australian Information Commissioner, GPO Box 5288, Sydney NSW 2001; online at https://www.oaic.gov.au/privacy/privacy-complaints",
        },
        fr: None,
        sources: &[
            Source { title: "Privacy Act 1988 (Cth), Schedule 1, APP 6 and APP 12", section: "APP 6.1(a) consent; APP 12.4(a) and (b) period and manner; APP 12.5 other means of access; APP 12.7 and 12.8 charges; APP 12.9 written notice of refusal", url: "https://www.legislation.gov.au/C2004A03712/latest/text" },
            Source { title: "Privacy Act 1988 (Cth)", section: "s. 36 complaints; s. 40(1A) complaint to the respondent first; s. 41(1)(c) twelve months", url: "https://www.legislation.gov.au/C2004A03712/latest/text" },
            Source { title: "OAIC, APP Guidelines, Chapter 12: APP 12 Access to personal information (version 1.1)", section: "12.49 to 12.55: a reasonable period, as a general guide no more than 30 calendar days", url: "https://www.oaic.gov.au/privacy/australian-privacy-principles/australian-privacy-principles-guidelines/chapter-12-app-12-access-to-personal-information" },
            Source { title: "OAIC, Lodge a privacy complaint with us", section: "complain to the organisation first; if it does not respond within 30 days, or the response does not satisfy, complain to the OAIC", url: "https://www.oaic.gov.au/privacy/privacy-complaints/lodge-a-privacy-complaint-with-us" },
            Source { title: "Acts Interpretation Act 1901 (Cth)", section: "s. 36 (calculating time)", url: "https://www.legislation.gov.au/C1901A00002/latest/text" },
        ],
        last_checked: CHECKED,
        notes: &[
            "For organisations the law says a reasonable period; 30 calendar days is the OAIC's guide (fixed for agencies): letters speak of a reasonable period, not of a time limit that ended. A date on a Saturday or Sunday moves to Monday (Acts Interpretation Act s. 36(2)); public holidays are not modelled.",
            "The follow-up letter is the complaint to the organisation (s. 40(1A)); the OAIC generally gives it 30 days, so the complaint draft comes 30 days after the follow-up, or sooner when the organisation answers it. The OAIC may decline complaints made more than 12 months after the patient became aware of the problem (s. 41(1)(c)).",
            "State health records laws (for example Victoria's Health Records Act 2001, 45 days) may also apply.",
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_jurisdiction_each_with_sources_and_a_checked_date() {
        for j in Jurisdiction::ALL {
            let n = RULES.iter().filter(|r| r.jurisdiction == *j).count();
            assert_eq!(n, 1, "{j:?}");
            let r = rule(*j);
            assert!(!r.sources.is_empty(), "{j:?}");
            assert!(super::super::dates::parse_iso(r.last_checked).is_some());
            for t in [Some(&r.en), r.fr.as_ref()].into_iter().flatten() {
                for s in [
                    t.right,
                    t.deadline,
                    t.extension,
                    t.fee,
                    t.format,
                    t.authority,
                ] {
                    assert!(!s.is_empty());
                }
            }
        }
        assert!(rule(Jurisdiction::Ca).fr.is_some());
        assert!(rule(Jurisdiction::CaOn).fr.is_some());
    }

    #[test]
    fn each_text_cites_its_law() {
        assert!(rule(Jurisdiction::Us).en.deadline.contains("164.524(b)(2)"));
        assert!(rule(Jurisdiction::Eu).en.deadline.contains("Art. 12(3)"));
        assert!(rule(Jurisdiction::Eu).en.fee.contains("Art. 12(5)"));
        assert!(rule(Jurisdiction::Uk).en.deadline.contains("Art. 12A"));
        assert!(rule(Jurisdiction::Ca).en.deadline.contains("s. 8(3)"));
        assert!(rule(Jurisdiction::CaOn).en.deadline.contains("s. 54(2)"));
        assert!(rule(Jurisdiction::Au).en.deadline.contains("APP 12.4"));
    }
}
