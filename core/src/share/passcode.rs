//! How strong a share's passcode must be, and a passcode to suggest.
//!
//! Whoever holds a link of a passcode share and its ciphertext (the relay's operator, or someone
//! who got both) can try passcodes on their own computers, as fast as Argon2id (64 MiB, 3 passes)
//! lets them: the relay's lockout does not reach them. A passcode must therefore need more
//! guesses than such an attacker makes in the life of a share: [`MIN_GUESSES_LOG10`] by
//! zxcvbn's estimate (Dropbox's estimator: dictionaries, names, keyboard patterns, dates,
//! repeats). The apps say why in plain words ([`Weak`]) and offer a generated one ([`suggest`]).

use rand::Rng;

/// The least estimated number of guesses, as a power of ten: 10^10 guesses of Argon2id at
/// 64 MiB take a thousand machines that each try a thousand a second about four months, longer
/// than the longest share (31 days). Four random common words, or the suggested passcode
/// (12 characters of 31, about 59 bits), pass; a PIN, a name, a date or "password1" do not.
pub const MIN_GUESSES_LOG10: f64 = 10.0;

/// Why a passcode is refused, in words a patient can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "this passcode is too easy to guess: someone who gets hold of the link could try passcodes \
     like it on their own computers until one opens your images. Use four or more words that \
     do not belong together, or the one suggested ({suggestion})"
)]
pub struct Weak {
    /// A strong passcode to offer instead ([`suggest`]).
    pub suggestion: String,
}

/// Checks a passcode's strength (spaces around it are ignored, as when it is used).
pub fn check(passcode: &str) -> Result<(), Weak> {
    let p = passcode.trim();
    if !p.is_empty() && zxcvbn::zxcvbn(p, &[]).guesses_log10() >= MIN_GUESSES_LOG10 {
        Ok(())
    } else {
        Err(Weak {
            suggestion: suggest(),
        })
    }
}

/// Letters and digits that cannot be mistaken for one another when read aloud or typed from a
/// screen (no 0/o, 1/l/i).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A passcode to offer: three groups of four characters (`k7fq-2mzx-p9rd`), 12 random
/// characters of 31, about 59 bits, from the operating system's random source.
pub fn suggest() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..3)
        .map(|_| {
            (0..4)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passcodes_are_refused_strong_ones_taken() {
        for weak in [
            "",
            "4821",
            "123456",
            "password1",
            "blue harbour",
            "Jane1980",
            "qwertyuiop",
            "4711 seven",
        ] {
            let e = check(weak).unwrap_err();
            assert!(e.to_string().contains("too easy to guess"), "{weak}");
            assert!(check(&e.suggestion).is_ok(), "the suggestion passes");
        }
        for strong in [
            "blue harbour seven lanterns",
            "copper whistle under rain",
            "k7fq-2mzx-p9rd",
        ] {
            assert_eq!(check(strong), Ok(()), "{strong}");
        }
    }

    #[test]
    fn suggestions_are_readable_random_and_strong() {
        let a = suggest();
        let b = suggest();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        assert!(a
            .split('-')
            .all(|g| g.len() == 4 && g.bytes().all(|c| ALPHABET.contains(&c))));
        for _ in 0..50 {
            assert_eq!(check(&suggest()), Ok(()));
        }
    }
}
