//! `recall man`: the manual page in roff, every command on one page, from
//! the same clap definition the command line is parsed with.
//!
//! The page is clap_mangen's page of `recall` (name, synopsis, description,
//! options) followed by a section per command (its synopsis, description,
//! options and notes, as `recall CMD --help` gives them) and the top-level
//! notes (exit status, vault, settings).

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;
use clap_mangen::Man;

use crate::cli::Cli;
use crate::error::Error;

/// The whole manual page.
pub fn page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Cli::command().bin_name("recall").disable_help_subcommand(true);
    cmd.build();
    let top = Man::new(cmd.clone());
    let mut out = Vec::new();
    top.render_title(&mut out)?;
    top.render_name_section(&mut out)?;
    top.render_synopsis_section(&mut out)?;
    top.render_description_section(&mut out)?;
    top.render_options_section(&mut out)?;
    let subs: Vec<&clap::Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    writeln!(out, ".SH COMMANDS")?;
    for sub in &subs {
        writeln!(out, ".TP")?;
        writeln!(out, "\\fBrecall {}\\fR", escape(sub.get_name()))?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", escape(&about.to_string()))?;
        }
    }
    for sub in subs {
        command_section(&mut out, sub)?;
    }
    let notes = cmd.get_after_long_help().or_else(|| cmd.get_after_help()).map(ToString::to_string);
    if let Some(notes) = notes {
        writeln!(out, ".SH NOTES")?;
        paragraphs(&mut out, &notes)?;
    }
    top.render_version_section(&mut out)?;
    Ok(ascii(&String::from_utf8_lossy(&out)).into_bytes())
}

/// The page in ASCII: every other character as groff's `\[uXXXX]`, so the
/// page reads the same whatever encoding `man` assumes.
fn ascii(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    for c in page.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", c as u32));
        }
    }
    out
}

/// One command's section: clap_mangen's page of it, its sections made
/// subsections.
fn command_section(out: &mut Vec<u8>, sub: &clap::Command) -> std::io::Result<()> {
    // The options every command takes are on the page once, under OPTIONS.
    let sub = sub.clone().mut_args(|a| if a.is_global_set() { a.hide(true) } else { a });
    let man = Man::new(sub.clone());
    writeln!(out, ".SH \"RECALL {}\"", escape(&sub.get_name().to_uppercase()))?;
    let mut body = Vec::new();
    man.render_synopsis_section(&mut body)?;
    man.render_description_section(&mut body)?;
    if sub.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut body)?;
    }
    for line in String::from_utf8_lossy(&body).lines() {
        match line.strip_prefix(".SH ") {
            Some(title) => writeln!(out, ".SS {title}")?,
            None => writeln!(out, "{line}")?,
        }
    }
    if let Some(notes) = sub.get_after_long_help().map(ToString::to_string) {
        writeln!(out, ".SS NOTES")?;
        paragraphs(out, &notes)?;
    }
    Ok(())
}

/// Help text as roff: blank lines start paragraphs, indented lines (lists,
/// examples) keep their line breaks.
fn paragraphs(out: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    let mut verbatim = false;
    writeln!(out, ".PP")?;
    for line in text.lines() {
        if line.trim().is_empty() {
            if verbatim {
                writeln!(out, ".fi")?;
                verbatim = false;
            }
            writeln!(out, ".PP")?;
            continue;
        }
        let indented = line.starts_with(' ');
        if indented && !verbatim {
            writeln!(out, ".nf")?;
            verbatim = true;
        } else if !indented && verbatim {
            writeln!(out, ".fi")?;
            verbatim = false;
        }
        writeln!(out, "{}", escape(line))?;
    }
    if verbatim {
        writeln!(out, ".fi")?;
    }
    Ok(())
}

/// Text for a roff line: backslashes escaped, a leading `.` or `'` (a
/// control line) and `-` (a hyphen, not a minus) made literal.
fn escape(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with(['.', '\'']) { format!("\\&{s}") } else { s }
}

pub fn run(out: &mut dyn Write) -> Result<ExitCode, Error> {
    out.write_all(&page().map_err(Error::stdout)?).map_err(Error::stdout)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_ascii() {
        assert_eq!(ascii("a → b…"), "a \\[u2192] b\\[u2026]");
        assert!(page().expect("renders").is_ascii());
    }

    #[test]
    fn escapes_make_text_literal() {
        assert_eq!(escape(".recall/config.yaml"), "\\&.recall/config.yaml");
        assert_eq!(escape("a\\b --x"), "a\\eb \\-\\-x");
    }

    #[test]
    fn every_command_has_its_section() {
        let page = String::from_utf8(page().expect("renders")).expect("utf-8");
        for sub in Cli::command().get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = sub.get_name().to_uppercase();
            assert!(page.contains(&format!(".SH \"RECALL {name}\"")), "{name}");
        }
        assert!(!page.contains("RECALL SCHEDULE"));
    }
}
