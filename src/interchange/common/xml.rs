//! XML text for the formats that write XML by hand (GEXF, CMIF).

/// `s` escaped for XML text and attribute values, without the characters XML 1.0 forbids
/// (control characters other than tab, LF and CR).
pub fn escape(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r')
                || ('\u{20}'..='\u{D7FF}').contains(&c)
                || ('\u{E000}'..='\u{FFFD}').contains(&c)
                || c >= '\u{10000}'
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}
