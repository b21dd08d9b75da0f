//! Wording shared by the window, the command line and the views: counts of things read as
//! English ("1 document", "3 documents"), never "1 documents" or "document(s)".

/// `n` and the noun in the form that number takes: `count(1, "page", "pages")` is "1 page".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_many() {
        assert_eq!(count(0, "document", "documents"), "0 documents");
        assert_eq!(count(1, "document", "documents"), "1 document");
        assert_eq!(count(2, "role filler", "role fillers"), "2 role fillers");
        assert_eq!(count(1, "entry", "entries"), "1 entry");
    }
}
