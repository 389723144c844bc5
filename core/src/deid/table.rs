//! PS3.15 Table E.1-1 (Application Level Confidentiality Profile Attributes) as data.
//!
//! One line per attribute: the tag (`GGGGEEEE`, `xx` for repeating groups), the Basic Profile's
//! action code, then the option columns that say something for it:
//! `uid=` Retain UIDs, `pc=` Retain Patient Characteristics, `dates` Retain Longitudinal Temporal
//! Information (K with Full Dates, C with Modified Dates), `desc=` Clean Descriptors, and, kept
//! for completeness though no option here uses them yet, `dev=` Retain Device Identity, `inst=`
//! Retain Institution Identity, `sc=` Clean Structured Content, `gr=` Clean Graphics.
//! Private attributes (odd groups: Basic X, Retain Safe Private C) are handled in code.
//!
//! Checked against: the machine-readable extraction of Table E.1-1 published by
//! innolitics/dicom-standard (`standard/confidentiality_profile_attributes.json`, commit
//! 0d01bf11), row by row (every row there is here, same codes), and the action code definitions
//! of PS3.15 E.1.1 as quoted on the TCIA wiki. That extraction predates the newest editions: rows
//! added to the standard since are not here (the conservative rules for person names, dates and
//! UIDs not in the table, in `mod.rs`, cover most of them).
//!
//! The lines after `# beyond E.1-1` are Scanpass's own additions, each with its reason.

use std::collections::HashMap;
use std::sync::OnceLock;

use dicom_core::Tag;

/// Action codes of Table E.1-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Replace with a non-zero length dummy value.
    D,
    /// Replace with a zero length value.
    Z,
    /// Remove.
    X,
    /// Keep (sequences: keep and clean their items).
    K,
    /// Clean: replace with values of similar meaning that carry no identifying information.
    C,
    /// Replace the UID with one consistent within the set of instances.
    U,
    /// X unless Z is required (Type 3 / Type 2).
    XZ,
    /// X unless D is required (Type 3 / Type 1).
    XD,
    /// Z unless D is required (Type 2 / Type 1).
    ZD,
    /// X unless Z or D is required.
    XZD,
    /// X unless Z, or replacing the UIDs inside the sequence's items, is required.
    XZU,
}

impl Code {
    fn parse(s: &str) -> Option<Code> {
        Some(match s {
            "D" => Code::D,
            "Z" => Code::Z,
            "X" => Code::X,
            "K" => Code::K,
            "C" => Code::C,
            "U" => Code::U,
            "X/Z" => Code::XZ,
            "X/D" => Code::XD,
            "Z/D" => Code::ZD,
            "X/Z/D" => Code::XZD,
            "X/Z/U*" => Code::XZU,
            _ => return None,
        })
    }

    /// Whether the Basic Profile changes the value (everything but K).
    pub fn alters(self) -> bool {
        self != Code::K
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub basic: Code,
    pub retain_uids: Option<Code>,
    pub retain_patient_characteristics: Option<Code>,
    /// Row names a date or time: K with Full Dates, C with Modified Dates.
    pub dates: bool,
    pub clean_descriptors: Option<Code>,
    pub retain_device_identity: Option<Code>,
    pub retain_institution_identity: Option<Code>,
    pub clean_structured_content: Option<Code>,
    pub clean_graphics: Option<Code>,
}

const TABLE: &str = "
00080050 Z
00184000 X desc=C
00400555 X/Z sc=C
00080022 X/Z dates
0008002A X/Z/D dates
00181400 X/D desc=C
001811BB D desc=C
00189424 X desc=C
00080032 X/Z dates
00404035 X
001021B0 X desc=C
0040A353 X
00380010 X
00380020 X dates
00081084 X desc=C
00081080 X desc=C
00380021 X dates
00001000 X uid=K
00102110 X pc=C desc=C
40000010 X
0040A078 X
22000005 X/Z
300A00C3 X desc=C
300A00DD X desc=C
00101081 X
0016004D X
00181007 X dev=K
00120060 Z inst=K
00120082 X
00120081 D inst=K
00120020 D
00120021 Z
00120072 X desc=C
00120071 X
00120030 Z inst=K
00120031 Z inst=K
00120010 D
00120040 D
00120042 D
00120051 X desc=C
00120050 Z
00400310 X desc=C
00400280 X desc=C
300A02EB X desc=C
00209161 U uid=K
3010000F Z desc=C
30100017 Z desc=C
30100006 U uid=K
00403001 X
30100013 U uid=K
0008009C Z
0008009D X
0050001B X
0040051A X desc=C
00400512 D
00700086 X
00700084 Z/D
00080023 Z/D dates
0040A730 D sc=C
00080033 Z/D dates
00180010 Z/D desc=C
0018A003 X desc=C
00102150 X
0040A307 X
00380300 X
50xxxxxx X gr=C
00080025 X dates
00080035 X dates
0040A07C X
FFFCFFFC X
0018937F X desc=C
00082111 X desc=C
0018700A X/D dev=K
3010001B Z
00500020 X dev=K
3010002D D dev=K
00181000 X/Z/D dev=K
0016004B X desc=C
00181002 U uid=K dev=K
FFFAFFFA X
04000100 U
00209164 U uid=K
00380040 X desc=C
4008011A X
40080119 X
300A0016 X desc=C
300A0013 U uid=K
3010006E U uid=K
00189517 X/D dates
30100037 X desc=C
30100035 D desc=C
30100038 D desc=C
30100036 X desc=C
300A0676 X desc=C
00102160 X pc=K
00404011 X dates
00080058 U uid=K
0070031A U uid=K
00402017 Z
30080054 X/D dates
300A0196 X desc=C
00340002 D
00340001 D
3010007F Z desc=C
300A0072 X desc=C
00209158 X desc=C
00200052 U uid=K
00340007 D dates
00181008 X dev=K
00181005 X dev=K
00160076 X
00160075 X
0016008C X
0016008D X dates
00160088 X
00160087 X
0016008A X
00160089 X
00160084 X
00160083 X
00160086 X
00160085 X
0016008E X
0016007B X
00160081 X
00160080 X
00160072 X
00160071 X
00160074 X
00160073 X
00160082 X
0016007A X
0016008B X
00160078 X
0016007D X
0016007C X
00160079 X
00160077 X
0016007F X
0016007E X
00160070 X
00700001 D gr=C
00404037 X
00404036 X
00880200 X
00084000 X desc=C
00204000 X desc=C
00284000 X
00402400 X desc=C
003A0314 D dates
40080300 X desc=C
00080015 X dates
00080014 U uid=K
04000600 X
00080081 X inst=K
00081040 X inst=K
00081041 X inst=K
00080082 X/Z/D inst=K
00080080 X/Z/D inst=K
00101050 X
3010004D X/D dates
3010004C X/D dates
00401011 X
300A0741 D dates
300A0742 D desc=C
300A0783 D desc=C
40080111 X
4008010C X
40080115 X desc=C
40080202 X
40080102 X
4008010B X desc=C
4008010A X
00083010 U uid=K
00380011 X
00380014 X
00100021 X
00380061 X
00380064 X
00400513 Z
00400562 Z
22000002 X/Z desc=C
00281214 U uid=K
001021D0 X dates
0016004F X dev=K
00160050 X dev=K
00160051 X dev=K
0016004E X dev=K
00500021 X desc=C
04000404 X
0016002B X desc=C
0018100B U uid=K dev=K
30100043 Z dev=K
00020003 U uid=K
00102000 X desc=C
00101090 X
00101080 X
04000550 X
00203406 X
00203401 X
30080056 X/D dates
0018937B X desc=C
003A0310 U uid=K
00081060 X
00401010 X
04000551 X
04000552 X
0040A192 X dates
0040A402 U uid=K
0040A193 X dates
0040A171 U uid=K
00102180 X desc=C
00081072 X/D
00081070 X/Z/D
00402010 X
00402011 X
00402008 X
00402009 X
04000561 X
00101000 X
00101002 X
00101001 X
60xx4000 X gr=C
60xx3000 X gr=C
00080024 X dates
00080034 X dates
300A0760 D dates
00281199 U uid=K
0040A07A X
00101040 X
00101010 X pc=K
00100030 Z
00101005 X
00100032 X
00380400 X
00100050 X
00101060 X
00100010 Z
00100101 X
00100102 X
001021F0 X
00100040 Z pc=K
00102203 X/Z pc=K
00101020 X pc=K
00102155 X
00102154 X
00101030 X pc=K
00104000 X desc=C
00100020 Z
300A0650 U uid=K
00380500 X pc=C desc=C
00401004 X
00400243 X
00400254 X desc=C
00400250 X dates
00404051 X dates
00400251 X dates
00400253 X
00400244 X dates
00404050 X dates
00400245 X dates
00400241 X dev=K
00404030 X dev=K
00400242 X dev=K
00404028 X dev=K
00081050 X
00081052 X
00401102 X
00401104 X
00401103 X
00401101 D
0040A123 D
00081048 X
00081049 X
00081062 X
40080114 X
00402016 Z
00181004 X dev=K
001021C0 X pc=K
00400012 X pc=C
300A000E X desc=C
3010007B Z desc=C
30100081 Z desc=C
00701101 U uid=K
00701102 U uid=K
30100061 X desc=C
00404052 X dates
00181030 X/D desc=C
300A0619 D desc=C
300A0623 D desc=C
300A067D Z desc=C
300A067C D desc=C
300C0113 X desc=C
0040100A X desc=C
00321030 X desc=C
3010005C Z desc=C
00402001 X desc=C
00401002 X desc=C
00321066 X desc=C
00321067 X desc=C
300A073A D dates
3010000B U uid=K
04000402 X
300A0083 U uid=K
3010006F U uid=K
30100031 U uid=K
30060024 U uid=K
00404023 U uid=K
00081140 X/Z/U* uid=K
0040A172 U uid=K
00380004 X
00101100 X
00081120 X uid=X
00081111 X/Z/D uid=K
04000403 X
00081155 U uid=K
00041511 U uid=K
00081110 X/Z uid=K
00080092 X
00080090 Z
00080094 X
00080096 X
00102152 X
300600C2 U uid=K
00400275 X desc=C
00321070 X desc=C
00401400 X desc=C
00321060 X/Z desc=C
00401001 X
00401005 X
00189937 X desc=C
00001001 U uid=K
00321032 X
00321033 X
00189185 X desc=C
00102299 X
00102297 X
40084000 X desc=C
40080118 X
40080042 X
300E0008 X/Z
30060028 X desc=C
30060038 X desc=C
300600A6 Z
30060026 Z desc=C
30060088 X desc=C
30060085 X desc=C
300A0615 Z
300A0611 Z
3010005A Z desc=C
300A0006 X/D dates
300A0004 X desc=C
300A0002 D desc=C
300A0003 X desc=C
300A0007 X/D dates
30100054 D desc=C
300A062A D desc=C
30100056 X/D desc=C
3010003B U uid=K
00404034 X
0038001E X
00400006 X
0040000B X
00400007 X desc=C
00400004 X dates
00400005 X dates
00404008 X dates
00400009 X
00400011 X dev=K
00404010 X dates
00400002 X dates
00404005 X dates
00400003 X dates
00400001 X dev=K
00404027 X dev=K
00400010 X dev=K
00404025 X dev=K
00321020 X dev=K
00321021 X dev=K
00080021 X/D dates
0008103E X desc=C
0020000E U uid=K
00080031 X/D dates
00380062 X desc=C
00380060 X
300A01B2 X desc=C
300A01A6 X desc=C
004006FA X
001021A0 X pc=K
00080018 U uid=K
30100015 U uid=K
0018936A D dates
00340005 D
00082112 X/Z/U* uid=K
300A0216 X dev=K
30080105 X/Z dev=K
00189369 D dates
00380050 X pc=C
0040050A X
00400602 X desc=C
00400551 D
00400610 Z sc=C
00400600 X desc=C
00400554 U uid=K
00189516 X/D dates
00081010 X/Z/D dev=K
00880140 U uid=K
30060008 Z dates
30060006 X desc=C
30060002 D desc=C
30060004 X desc=C
30060009 X/D dates
00324000 X desc=C
00080020 Z dates
00081030 X desc=C
00200010 Z
00320012 X
0020000D U uid=K
00080030 Z dates
00200200 U uid=K
00182042 U uid=K
0040A354 X
0040DB0D U uid=K
0040DB0C U uid=K
40004000 X
20300020 X
00080201 X dates
00880910 X
00880912 X
00880906 X
00880904 X
00620021 U uid=K
00081195 U uid=K
00185011 X dev=K
30080250 X/D dates
300A00B2 X dev=K
300A0608 D desc=C
300A0609 U uid=K
300A0700 U uid=K
30100077 D desc=C
3010007A Z desc=C
30080251 X/D dates
300A0736 D dates
300A0734 D desc=C
0018100A X dev=K
0040A124 U
00181009 X dev=K
30100033 D desc=C
30100034 D desc=C
0040A352 X
0040A358 X
0040A088 Z
0040A075 D
0040A073 D
0040A027 D
00384000 X desc=C
00189371 D dev=K
00189373 X dev=K
00189367 D dev=K
# beyond E.1-1
# Text Value of structured-report content items: free text that can name anyone; Basic keeps
# the Content Sequence (D) and recurses into it, so its text is replaced too.
0040A160 D desc=C
";

/// Number of rows taken from Table E.1-1 (the additions after `# beyond E.1-1` not counted).
pub fn standard_rows() -> usize {
    TABLE
        .split("# beyond E.1-1")
        .next()
        .unwrap_or("")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .count()
}

struct Parsed {
    exact: HashMap<u32, Row>,
    /// (mask, value, row) for the repeating-group rows (50xx curves, 60xx overlays).
    masked: Vec<(u32, u32, Row)>,
}

fn parse_line(line: &str) -> Option<(u32, u32, Row)> {
    let mut parts = line.split_whitespace();
    let tag = parts.next()?;
    let mut mask = 0u32;
    let mut value = 0u32;
    for (i, c) in tag.chars().enumerate() {
        let shift = 28 - 4 * i as u32;
        if let Some(d) = c.to_digit(16) {
            mask |= 0xF << shift;
            value |= d << shift;
        } else if c != 'x' {
            return None;
        }
    }
    if tag.len() != 8 {
        return None;
    }
    let mut row = Row {
        basic: Code::parse(parts.next()?)?,
        retain_uids: None,
        retain_patient_characteristics: None,
        dates: false,
        clean_descriptors: None,
        retain_device_identity: None,
        retain_institution_identity: None,
        clean_structured_content: None,
        clean_graphics: None,
    };
    for opt in parts {
        if opt == "dates" {
            row.dates = true;
            continue;
        }
        let (key, code) = opt.split_once('=')?;
        let code = Some(Code::parse(code)?);
        match key {
            "uid" => row.retain_uids = code,
            "pc" => row.retain_patient_characteristics = code,
            "desc" => row.clean_descriptors = code,
            "dev" => row.retain_device_identity = code,
            "inst" => row.retain_institution_identity = code,
            "sc" => row.clean_structured_content = code,
            "gr" => row.clean_graphics = code,
            _ => return None,
        }
    }
    Some((mask, value, row))
}

fn parsed() -> &'static Parsed {
    static TABLE_PARSED: OnceLock<Parsed> = OnceLock::new();
    TABLE_PARSED.get_or_init(|| {
        let mut exact = HashMap::new();
        let mut masked = Vec::new();
        for line in TABLE.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // the table is a constant checked by a unit test: a bad line is a programming error
            let Some((mask, value, row)) = parse_line(line) else {
                debug_assert!(false, "bad de-identification table line: {line}");
                continue;
            };
            if mask == u32::MAX {
                exact.insert(value, row);
            } else {
                masked.push((mask, value, row));
            }
        }
        Parsed { exact, masked }
    })
}

/// The row for `tag`, if the table names it.
pub fn lookup(tag: Tag) -> Option<Row> {
    let key = (tag.group() as u32) << 16 | tag.element() as u32;
    let p = parsed();
    p.exact.get(&key).copied().or_else(|| {
        p.masked
            .iter()
            .find(|(mask, value, _)| key & mask == *value)
            .map(|(_, _, row)| *row)
    })
}

/// Every exact tag of the table with its row (the repeating-group rows left out).
pub fn rows() -> impl Iterator<Item = (Tag, Row)> {
    parsed()
        .exact
        .iter()
        .map(|(k, r)| (Tag((k >> 16) as u16, (k & 0xFFFF) as u16), *r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_parses_and_no_tag_repeats() {
        let mut seen = std::collections::HashSet::new();
        for line in TABLE.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            assert!(parse_line(line).is_some(), "bad line {line}");
            assert!(seen.insert(line.split_whitespace().next().unwrap().to_string()));
        }
        // the extraction it was checked against has 460 rows; the private-attributes row is code
        assert_eq!(standard_rows(), 459);
    }

    #[test]
    fn masked_rows_match_repeating_groups() {
        assert_eq!(lookup(Tag(0x6002, 0x3000)).unwrap().basic, Code::X);
        assert_eq!(lookup(Tag(0x5004, 0x0010)).unwrap().basic, Code::X);
        assert!(lookup(Tag(0x6002, 0x0010)).is_none());
        assert_eq!(lookup(Tag(0x0010, 0x0010)).unwrap().basic, Code::Z);
        assert_eq!(lookup(Tag(0x0008, 0x1140)).unwrap().basic, Code::XZU);
    }

    #[test]
    fn table_tags_are_named_by_the_dictionary() {
        use dicom_core::dictionary::DataDictionary;
        let dict = dicom_dictionary_std::StandardDataDictionary;
        let unnamed: Vec<Tag> = rows()
            .map(|(t, _)| t)
            .filter(|t| dict.by_tag(*t).is_none())
            .collect();
        // command-group and trial attributes may be missing; anything else is a typo here
        assert!(
            unnamed.len() <= 4,
            "tags the dictionary does not know: {unnamed:?}"
        );
    }
}
