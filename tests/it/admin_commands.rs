//! `guestlist members` and `guestlist invite` run as processes against the sandbox.

use std::process::Output;

use crate::common::*;
use guestlist::sandbox::SandboxHandle;

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn run(sandbox: &SandboxHandle, key: &str, state_dir: &str, args: &[&str]) -> Output {
    run_as(sandbox, key, state_dir, args).await
}

fn state_dir() -> String {
    std::env::temp_dir()
        .join(format!(
            "guestlist-admin-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ))
        .to_string_lossy()
        .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_lists_every_page_of_every_service() {
    let sandbox = demo().await;
    let dir = state_dir();
    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &["members", "--region", "us-east-1", "--output", "json"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let members: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let count = |service: &str| members.iter().filter(|m| m["service"] == service).count();
    assert_eq!(count("securityhub"), 131, "three pages of 50");
    assert_eq!(count("guardduty"), 61);
    assert_eq!(count("detective"), 41);
    assert!(members.iter().all(|m| m["administrator_id"] == ADMIN));
    // Times to the second, as `list` has them; the state beside the service's own status.
    let first = &members[0];
    let invited = first["invited_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(invited).is_ok() && !invited.contains('.'),
        "{invited}"
    );
    assert!(members.iter().all(|m| m["state"].is_string()), "{first}");

    // --status keeps only rows in those states.
    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &[
            "members",
            "--region",
            "us-east-1",
            "--status",
            "pending",
            "--output",
            "json",
        ],
    )
    .await;
    let pending: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!pending.is_empty() && pending.len() < members.len());
    assert!(pending.iter().all(|m| m["state"] == "pending"));

    // The member administers nothing: an empty list, not an error.
    let output = run(
        &sandbox,
        MEMBER_KEY,
        &dir,
        &["members", "--region", "us-east-1"],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("No members"));

    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &[
            "members",
            "--region",
            "us-east-1",
            "--service",
            "detective",
            "--output",
            "csv",
        ],
    )
    .await;
    let csv = String::from_utf8(output.stdout).unwrap();
    assert!(csv.starts_with(
        "service,region,profile,administrator_id,account_id,email,status,state,invited_at"
    ));
    assert_eq!(csv.lines().count(), 42);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invite_creates_and_invites_in_each_service_and_the_member_sees_it() {
    let sandbox = demo().await;
    control(&sandbox, "POST", "/_sandbox/clock", r#"{"frozen": true}"#).await;
    let dir = state_dir();
    let newcomer = "299900000001";
    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &[
            "invite",
            "--region",
            "us-east-1",
            "--account",
            newcomer,
            "--email",
            "new@example.com",
            "--message",
            "Welcome",
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(printed.lines().count(), 4, "{printed}");
    for service in ["Security Hub", "GuardDuty", "Detective", "Macie"] {
        assert!(
            printed.contains(&format!("invited {newcomer} in {service} us-east-1")),
            "{printed}"
        );
    }
    let sh = securityhub(&sandbox, newcomer, "us-east-1").await;
    // The demo's invitations take a moment: verification, then propagation.
    let waiting = sh.list_invitations().send().await.unwrap();
    assert!(waiting.invitations().is_empty(), "not there yet");
    let body = r#"{"advance_seconds": 30}"#;
    control(&sandbox, "POST", "/_sandbox/clock", body).await;
    assert_eq!(
        sh.list_invitations().send().await.unwrap().invitations()[0].account_id(),
        Some(ADMIN)
    );
    let gd = guardduty(&sandbox, newcomer, "us-east-1").await;
    assert_eq!(
        gd.list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        1
    );
    let det = detective(&sandbox, newcomer, "us-east-1").await;
    assert_eq!(
        det.list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        1
    );
    let mc = macie(&sandbox, newcomer, "us-east-1").await;
    let invited = mc.list_invitations().send().await.unwrap();
    assert_eq!(invited.invitations()[0].account_id(), Some(ADMIN));

    // What was done: the outcome line of each change (its intent line precedes it).
    let audit = std::fs::read_to_string(format!("{dir}/audit.jsonl")).unwrap();
    let operations: Vec<String> = audit
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["phase"] == "outcome")
        .map(|e| e["operation"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        operations,
        [
            "CreateMembers",
            "InviteMembers",
            "CreateMembers",
            "InviteMembers",
            "CreateMembers",
            "CreateMember",
            "CreateInvitations"
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_file_lines_and_per_account_results() {
    let sandbox = demo().await;
    let dir = state_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let file = format!("{dir}/accounts.csv");
    // The administrator itself cannot be its own member: that account's error is reported alone.
    // Lines end in a lone CR, as a file saved by some spreadsheets does.
    std::fs::write(&file, format!("AccountId,Email\r299900000002,a@example.com\r{ADMIN},b@example.com\r299900000002,a@example.com\r")).unwrap();
    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &[
            "invite",
            "--service",
            "guardduty",
            "--region",
            "us-east-1",
            "--accounts-file",
            &file,
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("listed more than once"));
    assert!(
        stderr(&output).contains(&format!("error: {ADMIN} in GuardDuty us-east-1")),
        "{}",
        stderr(&output)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("invited 299900000002"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_invitations_send_nothing() {
    let sandbox = demo().await;
    let dir = state_dir();
    for (args, says) in [
        (
            vec![
                "invite",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--account",
                "12345",
                "--yes",
            ],
            "exactly 12 digits",
        ),
        (
            vec![
                "invite",
                "--service",
                "guardduty",
                "--region",
                "us-east-1",
                "--account",
                "299900000003",
                "--yes",
            ],
            "needs an email",
        ),
        (
            vec![
                "invite",
                "--region",
                "us-east-1",
                "--account",
                "299900000003",
                "--email",
                "nobody@",
                "--yes",
            ],
            "not a valid email",
        ),
        (
            vec![
                "invite",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--yes",
            ],
            "no account to invite",
        ),
        (
            vec![
                "invite",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--account",
                "299900000003",
            ],
            "without --yes",
        ),
        (
            vec![
                "--read-only",
                "invite",
                "--service",
                "securityhub",
                "--region",
                "us-east-1",
                "--account",
                "299900000003",
                "--yes",
            ],
            "read-only",
        ),
    ] {
        let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(
        changing_requests(&sandbox).await.is_empty(),
        "{:?}",
        changing_requests(&sandbox).await
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_disassociates_then_deletes_and_asks_first() {
    let sandbox = demo().await;
    let dir = state_dir();
    let member_ids = |output: &Output| -> Vec<String> {
        let members: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
        members
            .iter()
            .map(|m| m["account_id"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = [
        "members",
        "--region",
        "us-east-1",
        "--service",
        "guardduty",
        "--output",
        "json",
    ];
    let before = member_ids(&run(&sandbox, ADMIN_KEY, &dir, &list).await);
    let gone = before[0].clone();
    // Without --yes and without a terminal: refused, nothing sent.
    let args = [
        "remove",
        "--region",
        "us-east-1",
        "--service",
        "guardduty",
        "--account",
        &gone,
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("without --yes"),
        "{}",
        stderr(&output)
    );
    assert!(changing_requests(&sandbox).await.is_empty());
    // Bad input: one line, nothing sent.
    let output = run(
        &sandbox,
        ADMIN_KEY,
        &dir,
        &[
            "remove",
            "--region",
            "us-east-1",
            "--account",
            "1234",
            "--yes",
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("exactly 12 digits"));
    let mut args = args.to_vec();
    args.push("--yes");
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(&format!("removed {gone} in GuardDuty us-east-1")),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let mut changes = changing_requests(&sandbox).await;
    changes.sort();
    assert_eq!(
        changes,
        ["guardduty:DeleteMembers", "guardduty:DisassociateMembers"]
    );
    let after = member_ids(&run(&sandbox, ADMIN_KEY, &dir, &list).await);
    assert!(!after.contains(&gone));
    assert_eq!(after.len(), before.len() - 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--accounts` with `--assume-role`: each account is reached by assuming the role as the
/// base identity (its own account as itself); an account whose role cannot be assumed is one
/// clear failure for that account, never a failure of the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_reached_by_assuming_a_role_in_each() {
    let sandbox = demo().await;
    let dir = state_dir();
    let file = format!("{dir}/accounts.csv");
    std::fs::create_dir_all(&dir).unwrap();
    // The multi-account scripts' file, CR line ends and all; 299900000009 is suspended.
    std::fs::write(
        &file,
        format!("AccountId,Email\r{ADMIN},a@example.com\r{MEMBER},b@example.com\r299900000009,c@example.com\r"),
    )
    .unwrap();
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"suspended": ["299900000009"]}"#,
    )
    .await;
    let args = [
        "list",
        "--region",
        "us-east-1",
        "--accounts",
        &file,
        "--assume-role",
        "OrganizationAccountAccessRole",
        "--output",
        "json",
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(rows.len(), 4, "the member's four invitations: {rows:?}");
    assert!(
        rows.iter()
            .all(|r| r["account_id"] == MEMBER && r["profile"] == MEMBER)
    );
    // The suspended account's sources are named as a role not assumed, with what to do.
    let notes: Vec<serde_json::Value> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let failed: Vec<_> = notes
        .iter()
        .filter(|n| n["state"] == "role not assumed")
        .collect();
    assert_eq!(failed.len(), 4, "{stderr}");
    assert!(failed.iter().all(|n| n["profile"] == "299900000009"));
    assert!(
        failed[0]["message"]
            .as_str()
            .unwrap()
            .contains("arn:aws:iam::299900000009:role/OrganizationAccountAccessRole")
    );
    // As a table, the account whose role was not assumed is said once, not once per source.
    let table: Vec<&str> = args.iter().copied().take(args.len() - 2).collect();
    let output = run(&sandbox, ADMIN_KEY, &dir, &table).await;
    let said = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = said
        .lines()
        .filter(|l| l.contains("299900000009"))
        .collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert!(
        lines[0]
            .starts_with("error: account 299900000009: role not assumed, so none of its 4 sources"),
        "{said}"
    );
    // The base identity's own account is reached as itself, and a role assumed once serves
    // every source of its account.
    let sandbox = demo().await;
    let args = [
        "list",
        "--region",
        "us-east-1",
        "--accounts",
        &format!("{ADMIN},{MEMBER}"),
        "--assume-role",
        "OrganizationAccountAccessRole",
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{said}");
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(stats["requests"]["sts:AssumeRole"], 1, "{stats}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// More accounts than the SDK's shared credentials cache holds (64): each account's role is
/// still assumed once, however many of its sources are listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_is_assumed_once_per_account_across_a_hundred_accounts() {
    const MANAGEMENT: &str = "111122223333";
    let regions = ["us-east-1", "eu-west-1"];
    let sandbox = start(guestlist::sandbox::Scenario::organization_crowd(
        MANAGEMENT, 100, &regions, 1,
    ))
    .await;
    let dir = state_dir();
    let args = [
        "list",
        "--region",
        "us-east-1,eu-west-1",
        "--accounts",
        "org",
        "--assume-role",
        "OrganizationAccountAccessRole",
        "--output",
        "csv",
    ];
    let output = run(&sandbox, MANAGEMENT, &dir, &args).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rows = String::from_utf8_lossy(&output.stdout).lines().count() - 1;
    assert_eq!(rows, 100 * regions.len() * 3);
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(stats["requests"]["sts:AssumeRole"], 100, "{stats}");
    // Who the caller is, asked once; the accounts reached are the ones named, not asked about.
    assert_eq!(stats["requests"]["sts:GetCallerIdentity"], 1, "{stats}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--accounts org`: every active account of the caller's organization, listed as its
/// management account, each reached through the role; a suspended account is left out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_organizations_accounts_are_listed_and_fanned_out_to() {
    let sandbox = demo().await;
    let dir = state_dir();
    let args = [
        "list",
        "--region",
        "us-east-1",
        "--accounts",
        "org",
        "--assume-role",
        "OrganizationAccountAccessRole",
        "--output",
        "json",
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{said}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let mut accounts: Vec<&str> = rows
        .iter()
        .map(|r| r["account_id"].as_str().unwrap())
        .collect();
    accounts.sort();
    accounts.dedup();
    assert!(accounts.contains(&MEMBER), "{accounts:?}");
    assert!(
        accounts.len() > 10,
        "invitations from many of the organization's accounts: {accounts:?}"
    );
    assert!(!accounts.contains(&"299900000009"), "suspended: not listed");
    // Each row names its account, as the organization names it.
    let prod = rows.iter().find(|r| r["account_id"] == MEMBER).unwrap();
    assert_eq!(prod["account_name"], "workload-prod");
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(
        stats["requests"]["organizations:ListAccounts"], 3,
        "{stats}"
    );
    // 41 active accounts besides the management account, each assumed once.
    assert_eq!(stats["requests"]["sts:AssumeRole"], 41, "{stats}");

    // A member account cannot list the organization: one clear line, exit 1, nothing listed.
    let output = run(&sandbox, MEMBER_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("--accounts org") && said.contains("AccessDenied"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Accounts are listed as their page arrives; when Organizations stops answering part way,
/// the accounts already listed are, the run is partial (exit 2), and stderr says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_that_stop_arriving_make_a_partial_listing_not_a_short_one() {
    let sandbox = demo().await;
    let dir = state_dir();
    // A broken paginator: the second page answers the token it was given.
    control(
        &sandbox,
        "POST",
        "/_sandbox/faults",
        r#"{"repeat_tokens": true}"#,
    )
    .await;
    let args = [
        "list",
        "--region",
        "us-east-1",
        "--accounts",
        "org",
        "--assume-role",
        "OrganizationAccountAccessRole",
        "--output",
        "json",
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("stopped arriving after 20") && said.contains("NextToken"),
        "{said}"
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        rows.iter().any(|r| r["account_id"] == MEMBER),
        "the first page's accounts are listed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--mfa-serial`: the code is asked once, before anything starts, and sent with every
/// AssumeRole; a role whose trust asks for MFA is assumed only so. A code that is not one is
/// refused at once, with nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mfa_code_is_asked_once_and_sent_with_every_assumed_role() {
    let text = r#"
[[role]]
account = "210000000001"
name = "Audit"
trusts = ["111122223333"]
mfa = true

[[role]]
account = "210000000002"
name = "Audit"
trusts = ["111122223333"]
"#;
    let scenario = guestlist::sandbox::Scenario::parse(text, "mfa.toml").unwrap();
    let sandbox = start(scenario).await;
    let dir = state_dir();
    let url = sandbox.endpoint_url();
    let list = |mfa: bool, typed: &'static str| {
        let mut args = vec![
            "--endpoint-url",
            url.as_str(),
            "list",
            "--region",
            "us-east-1",
            "--service",
            "securityhub",
            "--accounts",
            "210000000001,210000000002",
            "--assume-role",
            "Audit",
        ];
        if mfa {
            args.extend(["--mfa-serial", "arn:aws:iam::111122223333:mfa/security"]);
        }
        let env = [
            ("AWS_ACCESS_KEY_ID", ADMIN),
            ("AWS_SECRET_ACCESS_KEY", "anything"),
            ("AWS_REGION", "us-east-1"),
            ("GUESTLIST_STATE_DIR", dir.as_str()),
        ];
        async move { guestlist_reading(&args, &env, typed).await }
    };
    let output = list(true, "123456\n").await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(
        said.contains("MFA code for arn:aws:iam::111122223333:mfa/security"),
        "{said}"
    );
    let stats = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(stats["requests"]["sts:AssumeRole"], 2, "{stats}");

    // Without it, the account whose role asks for MFA is the one that fails.
    let output = list(false, "").await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{said}");
    assert!(
        said.contains("account 210000000001: role not assumed") && !said.contains("210000000002"),
        "{said}"
    );

    // Not a code, or none: one line, exit 1, nothing asked of AWS.
    let before = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    for typed in ["12ab56\n", ""] {
        let output = list(true, typed).await;
        let said = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(said.contains("--mfa-serial"), "{said}");
    }
    let after = control(&sandbox, "GET", "/_sandbox/stats", "").await.json();
    assert_eq!(before, after);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where a scenario declares roles, only those exist: an account without the role, or whose
/// role wants an external id not given, is a "role not assumed" failure of its own sources.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_missing_in_some_accounts_fails_only_those() {
    let text = r#"
[[role]]
account = "210000000001"
name = "Audit"
trusts = ["111122223333"]

[[role]]
account = "210000000002"
name = "Audit"
trusts = ["111122223333"]
external_id = "guestlist-example"
"#;
    let scenario = guestlist::sandbox::Scenario::parse(text, "roles.toml").unwrap();
    let sandbox = start(scenario).await;
    let dir = state_dir();
    let url = sandbox.endpoint_url();
    let list = |extra: &'static [&'static str]| {
        let mut args = vec![
            "--endpoint-url",
            url.as_str(),
            "list",
            "--region",
            "us-east-1",
            "--service",
            "securityhub",
            "--accounts",
            "210000000001,210000000002,210000000003",
            "--assume-role",
            "Audit",
            "--output",
            "json",
        ];
        args.extend_from_slice(extra);
        args
    };
    let env = [
        ("AWS_ACCESS_KEY_ID", "111122223333"),
        ("AWS_SECRET_ACCESS_KEY", "anything"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_MAX_ATTEMPTS", "2"),
        ("GUESTLIST_STATE_DIR", dir.as_str()),
    ];
    let failed = |output: &Output| -> Vec<String> {
        let said = String::from_utf8_lossy(&output.stderr);
        let mut accounts: Vec<String> = said
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|n| n["state"] == "role not assumed")
            .map(|n| n["profile"].as_str().unwrap().to_owned())
            .collect();
        accounts.sort();
        accounts
    };
    let output = guestlist(&list(&[]), &env).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(failed(&output), ["210000000002", "210000000003"]);
    let output = guestlist(&list(&["--external-id", "guestlist-example"]), &env).await;
    assert_eq!(
        failed(&output),
        ["210000000003"],
        "the external id opens the second"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Answering across a fan-out: every account that has the invitation answers it; those
/// without it are said, and are no failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepting_across_the_accounts_answers_where_the_invitation_is() {
    let sandbox = demo().await;
    let dir = state_dir();
    let args = [
        "accept",
        "--service",
        "securityhub",
        "--region",
        "us-east-1",
        "--administrator",
        ADMIN,
        "--accounts",
        &format!("{ADMIN},{MEMBER}"),
        "--assume-role",
        "OrganizationAccountAccessRole",
        "--yes",
    ];
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert!(
        said.contains(&format!("note: no Security Hub invitation from {ADMIN}")),
        "{said}"
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        out.contains(&format!(
            "accepted: Security Hub invitation from {ADMIN} in us-east-1 for profile {MEMBER}"
        )),
        "{out}"
    );
    // Again: now no account has it, and that is a failure.
    let output = run(&sandbox, ADMIN_KEY, &dir, &args).await;
    assert_eq!(output.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}
