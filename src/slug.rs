//! URL slugs: lowercase ASCII words joined by `-`, transliterated from any script.

/// Longest slug kept, in bytes; longer ones are cut at a word boundary.
pub const MAX_LEN: usize = 80;

/// Turns a title or name into a slug; returns an empty string when nothing is left
/// (the caller supplies a fallback).
///
/// Apostrophes vanish (`Japan’s` → `japans`), other punctuation separates words,
/// and non-Latin scripts are transliterated (`東京` → `dong-jing`).
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_LEN + 16));
    let mut gap = false;
    for ch in text.chars() {
        if ch.is_ascii() {
            push_ascii(&mut out, &mut gap, ch);
        } else if is_apostrophe(ch) {
            // dropped so that a possessive stays one word
        } else {
            match deunicode::deunicode_char(ch) {
                Some(ascii) => {
                    for c in ascii.chars() {
                        push_ascii(&mut out, &mut gap, c);
                    }
                }
                None => gap = true,
            }
        }
    }
    truncate(out)
}

fn push_ascii(out: &mut String, gap: &mut bool, c: char) {
    if c.is_ascii_alphanumeric() {
        if *gap && !out.is_empty() {
            out.push('-');
        }
        *gap = false;
        out.push(c.to_ascii_lowercase());
    } else if c != '\'' {
        *gap = true;
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{02B9}' | '\u{2032}' | '\u{FF07}'
    )
}

fn truncate(mut slug: String) -> String {
    if slug.len() > MAX_LEN {
        let cut = slug[..=MAX_LEN].rfind('-').unwrap_or(MAX_LEN);
        slug.truncate(cut);
    }
    slug
}

/// A short, stable hexadecimal hash (FNV-1a, 32 bits) used for fallback slugs.
pub fn short_hash(text: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{hash:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_cases() {
        let cases = [
            (
                "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance",
                "japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance",
            ),
            ("Müller-Søndergaard", "muller-sondergaard"),
            ("東京", "dong-jing"),
            ("Don't Panic", "dont-panic"),
            ("“Quoted” & Questioned?", "quoted-questioned"),
            ("  --Hello,   World!--  ", "hello-world"),
            ("Straße", "strasse"),
            ("Ελλάδα", "ellada"),
            ("Москва", "moskva"),
            ("Austin Collins", "austin-collins"),
            ("2025: A Year", "2025-a-year"),
            ("", ""),
            ("?!…", ""),
        ];
        for (input, expected) in cases {
            assert_eq!(slugify(input), expected, "slug of {input:?}");
        }
    }

    #[test]
    fn cjk_title_gives_a_non_empty_slug() {
        let slug = slugify("日本の首相が米大統領と電話会談");
        assert!(!slug.is_empty());
        assert!(
            slug.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        );
    }

    #[test]
    fn long_slugs_are_cut_at_a_word_boundary() {
        let title = "word ".repeat(40);
        let slug = slugify(&title);
        assert!(slug.len() <= MAX_LEN);
        assert!(slug.ends_with("word"));
        assert!(!slug.ends_with('-'));
    }

    /// What every slug is: lowercase ASCII letters and digits in words joined by single
    /// `-` (so no `.`, `..`, `/` or space: safe as a folder name and in a URL), at most
    /// `MAX_LEN` bytes, the same for the same text, and its own slug. It is empty only when
    /// the text has no letter or digit in any script, and the callers' fallbacks are
    /// slugs too.
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn is_slug(s: &str) -> bool {
            s.len() <= MAX_LEN
                && s.split('-')
                    .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        }

        /// Titles as newsrooms write them: Latin with accents and punctuation, other
        /// scripts, apostrophes of every kind, and any character at all.
        fn titles() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-z0-9 ,.:;!?'\"()&/-]{0,120}",
                "[a-zA-ZàéîõüßæøÅÇÑ’‘ʼ′＇“”–— ]{0,60}",
                "[\\p{Han}\\p{Hiragana}\\p{Cyrillic}\\p{Greek}\\p{Arabic}\\p{Hebrew}\\p{Devanagari} 0-9]{0,40}",
                "\\PC{0,100}",
                any::<String>(),
            ]
        }

        proptest! {
            #![proptest_config(crate::testing::properties(512))]

            #[test]
            fn a_slug_is_url_safe_stable_and_its_own_slug(title in titles()) {
                let slug = slugify(&title);
                prop_assert!(slug.is_empty() || is_slug(&slug), "{slug:?}");
                prop_assert_eq!(slugify(&title), slug.clone());
                prop_assert_eq!(slugify(&slug), slug.clone());
                if title.chars().any(|c| c.is_ascii_alphanumeric()) {
                    prop_assert!(!slug.is_empty(), "{title:?}");
                }
                // The fallbacks of `model` for a title without letters or digits.
                for fallback in [format!("article-{}", short_hash(&title)), format!("author-{}", short_hash(&title))] {
                    prop_assert!(is_slug(&fallback), "{fallback:?}");
                }
            }

            #[test]
            fn a_long_title_is_cut_at_a_word(words in proptest::collection::vec("[a-z]{1,12}", 1..40)) {
                let slug = slugify(&words.join(" "));
                let whole = words.join("-");
                prop_assert!(is_slug(&slug));
                prop_assert!(whole.starts_with(&slug));
                if whole.len() > MAX_LEN {
                    prop_assert_eq!(whole.as_bytes()[slug.len()], b'-', "cut inside a word: {}", slug);
                } else {
                    prop_assert_eq!(slug, whole);
                }
            }
        }
    }

    #[test]
    fn short_hash_is_stable() {
        assert_eq!(short_hash("content/a.md"), short_hash("content/a.md"));
        assert_ne!(short_hash("content/a.md"), short_hash("content/b.md"));
        assert_eq!(short_hash("").len(), 8);
    }
}
