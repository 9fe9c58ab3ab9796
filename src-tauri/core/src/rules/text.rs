//! Counting text the way the platforms count it: characters, hashtags and @mentions.

/// Characters as Instagram counts them (Unicode scalar values).
pub fn characters(text: &str) -> usize {
    text.chars().count()
}

/// UTF-16 code units, as TikTok counts (an emoji outside the BMP counts two).
pub fn utf16_units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// The hashtags in `text`: `#` at the start or after a non-word character, followed by at least
/// one letter, digit or underscore.
pub fn hashtags(text: &str) -> Vec<&str> {
    tokens(text, '#', |c| c.is_alphanumeric() || c == '_')
}

/// The @mentions in `text`: `@` at the start or after a non-word character (so e-mail
/// addresses do not count), followed by an Instagram-style username.
pub fn mentions(text: &str) -> Vec<&str> {
    tokens(text, '@', |c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '.'
    })
}

fn tokens(text: &str, sigil: char, word: impl Fn(char) -> bool) -> Vec<&str> {
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    for (start, c) in text.char_indices() {
        let at_boundary = previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_'));
        if c == sigil && at_boundary {
            let body_start = start + c.len_utf8();
            let body_len: usize = text[body_start..]
                .chars()
                .take_while(|&c| word(c))
                .map(char::len_utf8)
                .sum();
            let body = text[body_start..body_start + body_len].trim_end_matches('.');
            if !body.is_empty() {
                found.push(&text[start..body_start + body.len()]);
            }
        }
        previous = Some(c);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_and_utf16_units() {
        assert_eq!(characters("café"), 4);
        assert_eq!(characters("👍🏽"), 2);
        assert_eq!(utf16_units("👍"), 2);
        assert_eq!(utf16_units("日本"), 2);
    }

    #[test]
    fn finds_hashtags_not_anchors_or_lone_signs() {
        assert_eq!(
            hashtags("#sun and #sea_side, #2026! # alone a#b #été"),
            vec!["#sun", "#sea_side", "#2026", "#été"]
        );
    }

    #[test]
    fn finds_mentions_but_not_email_addresses() {
        assert_eq!(
            mentions("Thanks @natgeo and @acme.shop. Mail me: me@example.com @"),
            vec!["@natgeo", "@acme.shop"]
        );
    }
}
