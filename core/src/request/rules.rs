//! The law of each jurisdiction as data: deadlines, extensions, fees, format, third-party delivery
//! and where to complain, each with its source and the date it was last checked. Letters quote
//! these texts; deadlines are computed from the periods here by [`super::dates`].
//!
//! Keeping the rules current: re-read every source listed, update the text and the periods, and
//! set `last_checked`. A change of a period breaks the unit tests on purpose.

use serde::Serialize;

use super::dates::{Period, Roll};
use super::{Jurisdiction, Language};

/// A source a rule rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Source {
    pub title: &'static str,
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
    /// Fees.
    pub fee: &'static str,
    /// The format the patient may ask for.
    pub format: &'static str,
    /// Delivery to a named doctor.
    pub third_party: &'static str,
    /// Who hears complaints, with the citation.
    pub authority: &'static str,
    /// The authority's address (postal and web).
    pub authority_address: &'static str,
}

/// One jurisdiction's rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub jurisdiction: Jurisdiction,
    /// The time limit, counted from receipt of the request.
    pub deadline: Period,
    /// The longest extension the law allows beyond `deadline`; `None` when the law has none (the
    /// provider and patient may still agree a date).
    pub extension: Option<Period>,
    /// Whether the extension counts only if notified within the first period.
    pub extension_notice_within_deadline: bool,
    /// Days on which a deadline moves to the next day.
    pub roll: Roll,
    /// Whether silence past the deadline is, in law, a refusal.
    pub deemed_refusal: bool,
    /// How long after the refusal or the missed deadline a complaint may be made, where a limit
    /// is set (in law or in the authority's stated practice; see `notes`).
    pub complaint_within: Option<Period>,
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

const CHECKED: &str = "2026-11-28";

static RULES: &[Rule] = &[
    Rule {
        jurisdiction: Jurisdiction::Us,
        deadline: Period::Days(30),
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::None,
        deemed_refusal: false,
        complaint_within: Some(Period::Days(180)),
        en: RuleText {
            short: "HIPAA",
            law: "the HIPAA Privacy Rule's right of access, 45 CFR 164.524",
            right: "Under the HIPAA Privacy Rule (45 CFR 164.524), I have the right to inspect and obtain a copy of the protected health information about me in your designated record set, which includes my medical images and the reports on them.",
            deadline: "You must act on this request no later than 30 days after receiving it (45 CFR 164.524(b)(2)(i)).",
            extension: "If you cannot, you may extend the time once, by no more than 30 days, and only if within those first 30 days you give me a written statement of the reasons for the delay and the date by which you will act (45 CFR 164.524(b)(2)(ii)).",
            fee: "You may charge only a reasonable, cost-based fee for the labor of copying, supplies and postage, and nothing for searching for or retrieving the records (45 CFR 164.524(c)(4)). HHS guidance (2016) allows a flat fee of no more than $6.50 for an electronic copy of records kept electronically. Please tell me any fee before you proceed.",
            format: "Because these records are kept electronically, you must give me an electronic copy in the form and format I ask for if it is readily producible (45 CFR 164.524(c)(2)). Imaging systems keep studies as DICOM files, so the original DICOM files are readily producible.",
            third_party: "I direct you to send the copy to the person named below (45 CFR 164.524(c)(3)(ii)). This request is in writing, signed by me, and clearly names that person and where to send the copy.",
            authority: "the U.S. Department of Health and Human Services, Office for Civil Rights (OCR), under 45 CFR 160.306",
            authority_address: "Centralized Case Management Operations, U.S. Department of Health and Human Services, 200 Independence Avenue S.W., Room 509F HHH Bldg., Washington, D.C. 20201; online at https://ocrportal.hhs.gov/ocr/smartscreen/main.jsf",
        },
        fr: None,
        sources: &[
            Source { title: "45 CFR 164.524, Access of individuals to protected health information", url: "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-E/section-164.524" },
            Source { title: "HHS, Individuals' Right under HIPAA to Access their Health Information 45 CFR 164.524 (guidance, 2016, with the $6.50 flat fee)", url: "https://www.hhs.gov/hipaa/for-professionals/privacy/guidance/access/index.html" },
            Source { title: "Ciox Health, LLC v. Azar, 435 F. Supp. 3d 30 (D.D.C. 2020)", url: "https://www.hhs.gov/hipaa/court-order-right-of-access/index.html" },
            Source { title: "45 CFR 160.306, Complaints to the Secretary (within 180 days)", url: "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-160/subpart-C/section-160.306" },
        ],
        last_checked: CHECKED,
        notes: &[
            "Days are calendar days; a deadline on a weekend or holiday does not move.",
            "Since Ciox Health v. Azar (D.D.C. 2020), the direction to send a copy to a third party covers only an electronic copy of information in an electronic health record, and the fee limits do not apply to copies sent to third parties.",
            "State laws may set shorter deadlines or lower fees; HIPAA is the floor.",
            "The complaint limit of 180 days runs from when the patient knew of the failure; OCR may waive it for good cause.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Eu,
        deadline: Period::Months(1),
        extension: Some(Period::Months(2)),
        extension_notice_within_deadline: true,
        roll: Roll::Weekend,
        deemed_refusal: false,
        complaint_within: None,
        en: RuleText {
            short: "GDPR",
            law: "Article 15 of the General Data Protection Regulation (EU) 2016/679",
            right: "Under Article 15 of the General Data Protection Regulation (EU) 2016/679 (GDPR), I have the right to obtain a copy of the personal data you process about me, which includes my medical images and the reports on them.",
            deadline: "You must provide it without undue delay and in any event within one month of receiving this request (Art. 12(3) GDPR), the month counted under Regulation (EEC, Euratom) No 1182/71.",
            extension: "That period may be extended by two further months only where necessary, taking into account the complexity and number of requests, and only if you inform me of the extension and the reasons within one month of receiving this request (Art. 12(3) GDPR).",
            fee: "The first copy must be provided free of charge (Art. 15(3) GDPR); the Court of Justice has confirmed that this applies to a patient's first copy of their medical records (Case C-307/22, FT v DW, 26 October 2023).",
            format: "Where a request is made by electronic means, the information is to be provided in a commonly used electronic form unless I ask otherwise (Art. 15(3) GDPR). For medical images, that form is DICOM, the standard that every imaging system and viewer reads.",
            third_party: "Please send the copy directly to the doctor named below, as I ask.",
            authority: "a data protection supervisory authority, in particular in the Member State of my habitual residence, place of work or place of the alleged infringement (Art. 77 GDPR)",
            authority_address: "Data protection supervisory authority; [fill in the name and address of your country's authority, listed at https://www.edpb.europa.eu/about-edpb/about-edpb/members_en]",
        },
        fr: None,
        sources: &[
            Source { title: "Regulation (EU) 2016/679 (GDPR), Articles 12, 15 and 77", url: "https://eur-lex.europa.eu/eli/reg/2016/679/oj" },
            Source { title: "Regulation (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates and time limits, Article 3", url: "https://eur-lex.europa.eu/eli/reg/1971/1182/oj" },
            Source { title: "EDPB Guidelines 01/2022 on data subject rights - Right of access, version 2.0", url: "https://www.edpb.europa.eu/our-work-tools/our-documents/guidelines/guidelines-012022-data-subject-rights-right-access_en" },
            Source { title: "CJEU, Case C-307/22, FT v DW, judgment of 26 October 2023", url: "https://curia.europa.eu/juris/liste.jsf?num=C-307/22" },
        ],
        last_checked: CHECKED,
        notes: &[
            "One month ends on the same date of the next month, or on that month's last day when it has no such date (1182/71 Art. 3(2)(c)): a request received on 31 January is due on 28 February, or 29 February in a leap year.",
            "A deadline on a Saturday or Sunday moves to the next working day (1182/71 Art. 3(4)); public holidays differ by Member State and are not modelled.",
            "The period runs from receipt; a request sent by post is received later than it is sent.",
            "GDPR sets no time limit for complaints; national procedure may.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Uk,
        deadline: Period::Months(1),
        extension: Some(Period::Months(2)),
        extension_notice_within_deadline: true,
        roll: Roll::Weekend,
        deemed_refusal: false,
        complaint_within: Some(Period::Months(3)),
        en: RuleText {
            short: "UK GDPR",
            law: "Article 15 of the UK GDPR and the Data Protection Act 2018",
            right: "Under Article 15 of the UK GDPR and the Data Protection Act 2018, I have the right to a copy of the personal data you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond without undue delay and at the latest within one month of receiving this request (UK GDPR Art. 12(3)), counted as the ICO describes: to the corresponding date in the next month, or the last day of that month when it has none.",
            extension: "You may extend this by two further months only if the request is complex or you have received a number of requests from me, and you must tell me within one month of receipt, explaining why (UK GDPR Art. 12(3)).",
            fee: "The copy must be free of charge (UK GDPR Art. 12(5) and 15(3)); a reasonable fee is allowed only for a manifestly unfounded or excessive request or for further copies.",
            format: "As this request is made by electronic means, the information should be provided in a commonly used electronic form (UK GDPR Art. 15(3)). For medical images, that form is DICOM, the standard that every imaging system and viewer reads.",
            third_party: "Please send the copy directly to the clinician named below, as I ask.",
            authority: "the Information Commissioner's Office (ICO), under UK GDPR Art. 77 and section 165 of the Data Protection Act 2018",
            authority_address: "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; online at https://ico.org.uk/make-a-complaint/",
        },
        fr: None,
        sources: &[
            Source { title: "UK GDPR, Articles 12, 15 and 77", url: "https://www.legislation.gov.uk/eur/2016/679/contents" },
            Source { title: "Data Protection Act 2018", url: "https://www.legislation.gov.uk/ukpga/2018/12/contents" },
            Source { title: "ICO, Right of access: how long do we have to comply?", url: "https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/individual-rights/subject-access-requests/" },
            Source { title: "ICO, Make a complaint (report within three months of the last meaningful contact)", url: "https://ico.org.uk/make-a-complaint/" },
        ],
        last_checked: CHECKED,
        notes: &[
            "The ICO counts the month from the day of receipt to the corresponding date of the next month, or that month's last day; a deadline on a weekend or bank holiday moves to the next working day (bank holidays are not modelled).",
            "The Data (Use and Access) Act 2025 amends these rules (for example, the time can pause while the organisation waits for proof of identity or a clarification); check the ICO's current guidance.",
            "The three months to complain is the ICO's stated practice, counted from the last meaningful contact with the organisation, not a statutory limit.",
            "For a deceased patient, the Access to Health Records Act 1990 applies instead.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Ca,
        deadline: Period::Days(30),
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::Sunday,
        deemed_refusal: true,
        complaint_within: Some(Period::Months(6)),
        en: RuleText {
            short: "PIPEDA",
            law: "section 8 of the Personal Information Protection and Electronic Documents Act (PIPEDA)",
            right: "Under section 8 of the Personal Information Protection and Electronic Documents Act (PIPEDA) and principle 4.9 of its Schedule 1, I have the right to access the personal information you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond with due diligence and in any case not later than 30 days after receipt of this request (PIPEDA s. 8(3)).",
            extension: "You may extend this by up to 30 days (or for the time needed to convert the information into an alternative format) only by sending me, within those 30 days, a notice giving the new time limit, the reasons and my right to complain to the Privacy Commissioner (s. 8(4)). If you do not respond within the time limit, you are deemed to have refused my request (s. 8(5)).",
            fee: "Access must be at minimal or no cost to me (Schedule 1, principle 4.9.4); you may charge only if you first tell me the approximate cost and I confirm the request (s. 8(6)).",
            format: "The information must be provided in a form that is generally understandable (Schedule 1, principle 4.9.4). For medical images, that is the original DICOM files, which every imaging viewer reads.",
            third_party: "Please send the copy directly to the physician named below; this letter is my consent.",
            authority: "the Office of the Privacy Commissioner of Canada (OPC), under PIPEDA s. 11",
            authority_address: "Office of the Privacy Commissioner of Canada, 30 Victoria Street, Gatineau, Quebec K1A 1H3; online at https://www.priv.gc.ca/en/report-a-concern/",
        },
        fr: Some(RuleText {
            short: "LPRPDE",
            law: "l'article 8 de la Loi sur la protection des renseignements personnels et les documents électroniques (LPRPDE)",
            right: "En vertu de l'article 8 de la Loi sur la protection des renseignements personnels et les documents électroniques (LPRPDE) et du principe 4.9 de son annexe 1, j'ai le droit d'accéder aux renseignements personnels que vous détenez à mon sujet, y compris mes images médicales et les rapports qui s'y rapportent.",
            deadline: "Vous devez répondre avec la diligence voulue et, en tout état de cause, au plus tard 30 jours après la réception de la présente demande (LPRPDE, par. 8(3)).",
            extension: "Vous ne pouvez prolonger ce délai que d'au plus 30 jours (ou de la période nécessaire pour transférer les renseignements sur un support de substitution), et seulement en m'envoyant, dans ces 30 jours, un avis indiquant le nouveau délai, les motifs de la prorogation et mon droit de déposer une plainte auprès du commissaire (par. 8(4)). À défaut de réponse dans le délai, vous êtes réputé avoir refusé ma demande (par. 8(5)).",
            fee: "L'accès doit m'être donné gratuitement ou moyennant des frais minimes (annexe 1, principe 4.9.4); vous ne pouvez exiger des frais que si vous m'informez d'abord du coût approximatif et que je maintiens ma demande (par. 8(6)).",
            format: "Les renseignements doivent être communiqués sous une forme généralement compréhensible (annexe 1, principe 4.9.4). Pour des images médicales, il s'agit des fichiers DICOM originaux, que tout visualiseur d'imagerie peut lire.",
            third_party: "Veuillez transmettre la copie directement au médecin nommé ci-dessous; la présente lettre vaut consentement.",
            authority: "le Commissariat à la protection de la vie privée du Canada (CPVP), en vertu de l'article 11 de la LPRPDE",
            authority_address: "Commissariat à la protection de la vie privée du Canada, 30, rue Victoria, Gatineau (Québec) K1A 1H3; en ligne : https://www.priv.gc.ca/fr/signaler-un-probleme/",
        }),
        sources: &[
            Source { title: "PIPEDA, S.C. 2000, c. 5, sections 8 and 11, Schedule 1 principle 4.9", url: "https://laws-lois.justice.gc.ca/eng/acts/P-8.6/" },
            Source { title: "Interpretation Act, R.S.C. 1985, c. I-21, sections 26 to 28 and 35 (counting days and months; Sunday is a holiday)", url: "https://laws-lois.justice.gc.ca/eng/acts/I-21/" },
            Source { title: "OPC, Accessing your personal information", url: "https://www.priv.gc.ca/en/privacy-topics/access-to-personal-information/" },
        ],
        last_checked: CHECKED,
        notes: &[
            "PIPEDA covers private clinics in provinces without their own law for the sector. Health custodians in Ontario, New Brunswick, Newfoundland and Labrador and Nova Scotia fall under provincial health laws (choose CA-ON for Ontario); Alberta, British Columbia and Quebec have their own laws, and public hospitals are usually under provincial access laws.",
            "A deadline on a Sunday moves to Monday (Interpretation Act ss. 26 and 35); Saturday does not move; other holidays are not modelled.",
            "The extension for converting to an alternative format (for a sensory disability) has no fixed length; the 30-day cap here is the ordinary one.",
            "The six months to complain run from the refusal or from the end of the time limit (s. 11(3)); the Commissioner may allow longer.",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::CaOn,
        deadline: Period::Days(30),
        extension: Some(Period::Days(30)),
        extension_notice_within_deadline: true,
        roll: Roll::Sunday,
        deemed_refusal: true,
        complaint_within: Some(Period::Months(6)),
        en: RuleText {
            short: "PHIPA",
            law: "section 54 of Ontario's Personal Health Information Protection Act, 2004 (PHIPA)",
            right: "Under Part V of Ontario's Personal Health Information Protection Act, 2004 (PHIPA), section 52, I have the right of access to the records of my personal health information in your custody or control, which include my medical images and the reports on them.",
            deadline: "You must respond as soon as possible in the circumstances but no later than 30 days after receiving this request (PHIPA s. 54(2)).",
            extension: "You may extend this by no more than 30 days only if meeting it would unreasonably interfere with your operations or the necessary consultations make it impractical, and only by giving me written notice of the length of the extension and the reason within those 30 days (s. 54(3) and (4)). If you do not respond within the time limit, you are deemed to have refused my request (s. 54(7)).",
            fee: "Any fee must not exceed the amount of reasonable cost recovery, and you must give me an estimate before you charge it (PHIPA s. 54(10) and (11)); you may waive it (s. 54(12)).",
            format: "Please make the records available to me as the original DICOM files, the form in which imaging systems keep them (PHIPA s. 54(1)(a)).",
            third_party: "Please send the copy directly to the physician named below; this letter is my consent to that disclosure (PHIPA s. 29).",
            authority: "the Information and Privacy Commissioner of Ontario (IPC), under PHIPA s. 56",
            authority_address: "Information and Privacy Commissioner of Ontario, 2 Bloor Street East, Suite 1400, Toronto, Ontario M4W 1A8; online at https://www.ipc.on.ca/",
        },
        fr: Some(RuleText {
            short: "LPRPS",
            law: "l'article 54 de la Loi de 2004 sur la protection des renseignements personnels sur la santé de l'Ontario (LPRPS)",
            right: "En vertu de la partie V de la Loi de 2004 sur la protection des renseignements personnels sur la santé de l'Ontario (LPRPS), article 52, j'ai le droit d'accéder aux dossiers de renseignements personnels sur la santé me concernant dont vous avez la garde ou le contrôle, y compris mes images médicales et les rapports qui s'y rapportent.",
            deadline: "Vous devez répondre dès que possible dans les circonstances, mais au plus tard 30 jours après la réception de la présente demande (LPRPS, par. 54(2)).",
            extension: "Vous ne pouvez prolonger ce délai que d'au plus 30 jours, si le respecter entraverait abusivement vos activités ou si les consultations nécessaires le rendent difficilement applicable, et seulement en m'avisant par écrit, dans ces 30 jours, de la durée et du motif de la prorogation (par. 54(3) et (4)). À défaut de réponse dans le délai, vous êtes réputé avoir refusé ma demande (par. 54(7)).",
            fee: "Les frais éventuels ne peuvent dépasser le montant d'un recouvrement raisonnable des coûts, et vous devez m'en donner une estimation au préalable (LPRPS, par. 54(10) et (11)); vous pouvez y renoncer (par. 54(12)).",
            format: "Veuillez mettre les dossiers à ma disposition sous forme de fichiers DICOM originaux, la forme sous laquelle les systèmes d'imagerie les conservent (LPRPS, alinéa 54(1)a)).",
            third_party: "Veuillez transmettre la copie directement au médecin nommé ci-dessous; la présente lettre vaut consentement à cette divulgation (LPRPS, art. 29).",
            authority: "le Commissaire à l'information et à la protection de la vie privée de l'Ontario (CIPVP), en vertu de l'article 56 de la LPRPS",
            authority_address: "Commissaire à l'information et à la protection de la vie privée de l'Ontario, 2, rue Bloor Est, bureau 1400, Toronto (Ontario) M4W 1A8; en ligne : https://www.ipc.on.ca/fr/",
        }),
        sources: &[
            Source { title: "Personal Health Information Protection Act, 2004, S.O. 2004, c. 3, Sched. A, sections 52, 54 and 56", url: "https://www.ontario.ca/laws/statute/04p03" },
            Source { title: "Legislation Act, 2006, S.O. 2006, c. 21, Sched. F, sections 87 and 89 (holidays; time limits)", url: "https://www.ontario.ca/laws/statute/06l21" },
            Source { title: "IPC Ontario, Your health information and your privacy", url: "https://www.ipc.on.ca/en/health-individuals" },
        ],
        last_checked: CHECKED,
        notes: &[
            "A deadline on a Sunday moves to Monday (Legislation Act, 2006 ss. 87 and 89); other holidays are not modelled.",
            "The six months to complain about a refusal, or a deemed refusal, run from the refusal (PHIPA s. 56).",
        ],
    },
    Rule {
        jurisdiction: Jurisdiction::Au,
        deadline: Period::Days(30),
        extension: None,
        extension_notice_within_deadline: false,
        roll: Roll::Weekend,
        deemed_refusal: false,
        complaint_within: Some(Period::Months(12)),
        en: RuleText {
            short: "APP 12",
            law: "Australian Privacy Principle 12 (Schedule 1 to the Privacy Act 1988)",
            right: "Under Australian Privacy Principle 12 (Schedule 1 to the Privacy Act 1988), I have the right to access the personal information you hold about me, which includes my medical images and the reports on them.",
            deadline: "You must respond within a reasonable period after this request is made (APP 12.4(a)); the OAIC's guidelines say this should not generally exceed 30 calendar days, and an agency must respond within 30 days.",
            extension: "The Privacy Act sets no extension; if you need longer, please tell me why and the date by which I will receive the images.",
            fee: "You must not charge me for making this request, and any charge for giving access must not be excessive (APP 12.8); an agency may not charge at all (APP 12.7).",
            format: "You must give access in the manner I request if it is reasonable and practicable to do so (APP 12.4(b)). Imaging systems keep studies as DICOM files, so sending those files is both.",
            third_party: "Please send the copy directly to the doctor named below, as I ask.",
            authority: "the Office of the Australian Information Commissioner (OAIC), under section 36 of the Privacy Act 1988",
            authority_address: "Office of the Australian Information Commissioner, GPO Box 5288, Sydney NSW 2001; online at https://www.oaic.gov.au/privacy/privacy-complaints",
        },
        fr: None,
        sources: &[
            Source { title: "Privacy Act 1988 (Cth), Schedule 1, APP 12; sections 36, 40 and 41", url: "https://www.legislation.gov.au/C2004A03712/latest/text" },
            Source { title: "OAIC, APP Guidelines, Chapter 12: APP 12 Access to personal information", url: "https://www.oaic.gov.au/privacy/australian-privacy-principles/australian-privacy-principles-guidelines/chapter-12-app-12-access-to-personal-information" },
            Source { title: "Acts Interpretation Act 1901 (Cth), section 36 (calculating time)", url: "https://www.legislation.gov.au/C1901A00002/latest/text" },
        ],
        last_checked: CHECKED,
        notes: &[
            "For organisations the law says a reasonable period; 30 calendar days is the OAIC's guide (fixed for agencies). A deadline on a Saturday or Sunday moves to Monday (Acts Interpretation Act s. 36(2)); public holidays are not modelled.",
            "The OAIC expects a complaint to the organisation first (s. 40(1A)); the follow-up letter is that complaint. It may decline complaints made more than 12 months after the patient became aware of the problem (s. 41(1)(c)).",
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
        assert!(rule(Jurisdiction::Eu).en.fee.contains("Art. 15(3)"));
        assert!(rule(Jurisdiction::Uk).en.deadline.contains("Art. 12(3)"));
        assert!(rule(Jurisdiction::Ca).en.deadline.contains("s. 8(3)"));
        assert!(rule(Jurisdiction::CaOn).en.deadline.contains("s. 54(2)"));
        assert!(rule(Jurisdiction::Au).en.deadline.contains("APP 12.4"));
    }
}
