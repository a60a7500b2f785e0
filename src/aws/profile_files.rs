//! The shared config and credentials files, read once and cut into sections, so that each of
//! many `--profile`s loads only the sections it uses. Given the files themselves, the SDK parses
//! every profile for each identity and keeps the result for its life: a thousand profiles held
//! a thousand copies of all thousand (3.3 GB).

use std::collections::BTreeSet;
use std::path::PathBuf;

use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};

/// A section of a profile file: its header and its lines, as written.
#[derive(Debug, Clone, PartialEq)]
struct Section {
    /// `profile`, `sso-session`, `services`, or none (`[default]`, and every section of the
    /// credentials file).
    prefix: Option<String>,
    name: String,
    text: String,
}

/// Both files, cut into sections.
#[derive(Debug, Default)]
pub struct ProfileSections {
    config: Vec<Section>,
    credentials: Vec<Section>,
}

/// The properties by which a profile's sections name other sections.
const REFERENCES: [(&str, Option<&str>); 3] = [
    ("source_profile", None),
    ("sso_session", Some("sso-session")),
    ("services", Some("services")),
];

impl ProfileSections {
    /// The files where the SDK would find them (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`,
    /// else `~/.aws/`); a file that cannot be read counts as empty, as it does to the SDK.
    pub fn read() -> Self {
        let read = |variable: &str, default: &str| {
            let path = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
            std::fs::read_to_string(expand_home(&path)).unwrap_or_default()
        };
        Self::parse(
            &read("AWS_CONFIG_FILE", "~/.aws/config"),
            &read("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
        )
    }

    pub fn parse(config: &str, credentials: &str) -> Self {
        Self {
            config: sections(config),
            credentials: sections(credentials),
        }
    }

    /// The files as `profile` sees them: its own sections, and those they name
    /// (`source_profile`, `sso_session`, `services`), as far as the names lead.
    pub fn files_for(&self, profile: &str) -> ProfileFiles {
        let (config, credentials) = self.texts_for(profile);
        ProfileFiles::builder()
            .with_contents(ProfileFileKind::Config, config)
            .with_contents(ProfileFileKind::Credentials, credentials)
            .build()
    }

    fn texts_for(&self, profile: &str) -> (String, String) {
        let mut config = BTreeSet::new();
        let mut credentials = BTreeSet::new();
        let mut profiles = vec![profile.to_owned()];
        let mut seen = BTreeSet::new();
        let mut other: Vec<(&str, String)> = Vec::new();
        while let Some(name) = profiles.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            let found = self
                .config
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.name == name && s.prefix.as_deref().is_none_or(|p| p == "profile")
                })
                .map(|(i, s)| (true, i, s))
                .chain(
                    self.credentials
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.name == name && s.prefix.is_none())
                        .map(|(i, s)| (false, i, s)),
                );
            for (in_config, at, section) in found {
                if in_config {
                    config.insert(at);
                } else {
                    credentials.insert(at);
                }
                for (property, prefix) in REFERENCES {
                    let Some(named) = property_value(&section.text, property) else {
                        continue;
                    };
                    match prefix {
                        None => profiles.push(named),
                        Some(prefix) => other.push((prefix, named)),
                    }
                }
            }
        }
        for (prefix, name) in other {
            for (at, section) in self.config.iter().enumerate() {
                if section.prefix.as_deref() == Some(prefix) && section.name == name {
                    config.insert(at);
                }
            }
        }
        let text = |sections: &[Section], chosen: BTreeSet<usize>| {
            chosen
                .into_iter()
                .map(|at| sections[at].text.as_str())
                .collect::<String>()
        };
        (
            text(&self.config, config),
            text(&self.credentials, credentials),
        )
    }
}

/// `~/…` under `HOME`, as the SDK expands it.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// Cuts a file at its section headers, lines starting with `[` as the SDK's parser has them;
/// whatever comes before the first header belongs to no section and is left out, as the SDK
/// leaves it.
fn sections(file: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for line in file.split_inclusive('\n') {
        if line.starts_with('[') {
            let header = line
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or_default()
                .trim();
            let (prefix, name) = match header.split_once(char::is_whitespace) {
                Some((prefix, name)) => (Some(prefix.trim().to_owned()), name.trim().to_owned()),
                None => (None, header.to_owned()),
            };
            sections.push(Section {
                prefix,
                name,
                text: String::new(),
            });
        }
        if let Some(section) = sections.last_mut() {
            section.text.push_str(line);
            if !line.ends_with('\n') {
                section.text.push('\n');
            }
        }
    }
    sections
}

/// The value of a top-level `property = value` line of a section, without a trailing comment.
fn property_value(section: &str, property: &str) -> Option<String> {
    section.lines().skip(1).find_map(|line| {
        if line.starts_with(char::is_whitespace) {
            return None;
        }
        let (key, value) = line.split_once('=')?;
        if key.trim() != property {
            return None;
        }
        let value = value
            .split([' ', '\t'])
            .find(|word| !word.is_empty())
            .unwrap_or_default();
        (!value.is_empty() && !value.starts_with(['#', ';'])).then(|| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = "\
[default]
region = us-east-1

[profile a]
region = eu-west-1
source_profile = base
role_arn = arn:aws:iam::444455556666:role/r

[profile base]
sso_session = corp ; the company's
services = local

[profile unrelated]
region = ap-south-1
[sso-session corp]
sso_region = us-east-1
[services local]
securityhub =
  endpoint_url = http://localhost:1
";

    const CREDENTIALS: &str = "[base]\naws_access_key_id = AKID\n[other]\naws_access_key_id = X";

    #[test]
    fn a_profile_gets_its_sections_and_those_it_names_and_no_others() {
        let sections = ProfileSections::parse(CONFIG, CREDENTIALS);
        let (config, credentials) = sections.texts_for("a");
        assert_eq!(
            config,
            "[profile a]\nregion = eu-west-1\nsource_profile = base\nrole_arn = arn:aws:iam::444455556666:role/r\n\n\
             [profile base]\nsso_session = corp ; the company's\nservices = local\n\n\
             [sso-session corp]\nsso_region = us-east-1\n\
             [services local]\nsecurityhub =\n  endpoint_url = http://localhost:1\n"
        );
        assert_eq!(credentials, "[base]\naws_access_key_id = AKID\n");

        let (config, credentials) = sections.texts_for("default");
        assert_eq!(config, "[default]\nregion = us-east-1\n\n");
        assert_eq!(credentials, "");
        let (_, credentials) = sections.texts_for("other");
        assert_eq!(credentials, "[other]\naws_access_key_id = X\n");
    }

    #[test]
    fn a_profile_that_names_itself_ends() {
        let sections = ProfileSections::parse("[profile loop]\nsource_profile = loop\n", "");
        let (config, _) = sections.texts_for("loop");
        assert_eq!(config, "[profile loop]\nsource_profile = loop\n");
    }

    #[tokio::test]
    async fn the_sdk_reads_a_profile_from_its_sections_as_from_the_whole_files() {
        use aws_credential_types::provider::ProvideCredentials;
        let sections = ProfileSections::parse(
            "[profile keys]\nregion = eu-north-1\n[profile x]\nregion = us-west-2\n",
            "[keys]\naws_access_key_id = AKIDKEYS\naws_secret_access_key = s\n",
        );
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .profile_files(sections.files_for("keys"))
            .profile_name("keys")
            .load()
            .await;
        assert_eq!(config.region().map(|r| r.as_ref()), Some("eu-north-1"));
        // The provider guestlist gives a named profile (the default chain would prefer keys in
        // the environment).
        let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_files(sections.files_for("keys"))
            .profile_name("keys")
            .build()
            .provide_credentials()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(credentials.access_key_id(), "AKIDKEYS");
    }
}
