//! "Did you mean …?": the known word closest to a mistyped one, as clap suggests flags.
//! The keys a file may have are read from the serde derive of the type it is read into
//! (the names it passes to `deserialize_struct`), so the list of keys is the struct itself.

use serde::Deserialize;
use serde::de::{self, Visitor};

/// The known word most like `word`, if one is like it enough (Jaro–Winkler similarity of
/// at least 0.8: `tag` → `tags`, `pagination` → `paginate`, `titel` → `title`).
pub fn closest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let word = word.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&word, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The hint of an unknown `key`: the closest of `known`, if any is close.
pub fn did_you_mean(key: &str, known: &[&str]) -> Option<String> {
    closest(key, known).map(|k| format!("did you mean `{k}`?"))
}

/// The keys of the struct `T` deserializes from (its fields' names as written, after
/// `rename`s); empty if `T` is not a struct.
pub fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Fields(&mut fields));
    fields
}

/// A deserializer that only takes note of the fields a struct asks for.
struct Fields<'f>(&'f mut &'static [&'static str]);

impl<'de> de::Deserializer<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("fields noted"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Front {
        title: String,
        tags: Vec<String>,
        #[serde(rename = "authors")]
        by: Vec<String>,
    }

    #[test]
    fn the_fields_are_those_of_the_derive() {
        assert_eq!(fields_of::<Front>(), ["title", "tags", "authors"]);
        assert!(fields_of::<String>().is_empty());
    }

    #[test]
    fn the_closest_known_word_if_it_is_close() {
        let known = ["title", "date", "authors", "tags", "paginate", "feed_limit"];
        assert_eq!(closest("tag", &known), Some("tags"));
        assert_eq!(closest("titel", &known), Some("title"));
        assert_eq!(closest("Pagination", &known), Some("paginate"));
        assert_eq!(closest("author", &known), Some("authors"));
        assert_eq!(closest("colour", &known), None);
        assert_eq!(
            did_you_mean("feedlimit", &known).as_deref(),
            Some("did you mean `feed_limit`?")
        );
    }
}
