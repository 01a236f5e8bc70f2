//! Agreement with strong_migrations' PostgreSQL verdicts. Each case of `corpus_cases` mirrors
//! one assertion of strong_migrations' test suite (named in `mirrors`) with a migration written
//! here against this project's own fixture schema, and says which check ids bpdeploy reports.
//! A case whose expected ids disagree with strong_migrations' verdict carries the reason; the
//! README lists the same reasons and the figure this test measures.
use super::corpus_cases::{cases, Case, SCHEMA_RB};
use bpdeploy::preflight::lint::{lint_schema_migration_in, AppFacts, LintSettings, PostgresVersion, SchemaDump};

/// The share of cases where bpdeploy's verdict (any finding = unsafe) matches strong_migrations'.
const REQUIRED_AGREEMENT: f64 = 0.97;

fn run(case: &Case) -> Vec<String> {
    let dump = SchemaDump::new(SCHEMA_RB.to_string());
    let settings = LintSettings {
        postgres_version: PostgresVersion { major: case.postgres, minor: None },
        ..LintSettings::default()
    };
    let find = |class: &str| cases().into_iter().find(|c| c.class == class).map(|c| c.code);
    let facts = AppFacts { schema: Some(&dump), partial_inserts: case.partial_inserts, migration_source: Some(&find) };
    let lint = lint_schema_migration_in(&case.code, &settings, &facts);
    lint.risks.into_iter().map(|r| r.check).collect()
}

#[test]
fn every_case_reports_exactly_its_expected_checks() {
    let mut wrong = Vec::new();
    for case in cases().iter().filter(|c| !c.mirrors.is_empty()) {
        let found = run(case);
        if found != case.expect {
            wrong.push(format!("{} ({}): expected {:?}, found {:?}", case.class, case.mirrors, case.expect, found));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn agreement_with_strong_migrations_is_at_least_97_percent_and_every_difference_is_explained() {
    let all = cases();
    let judged: Vec<&Case> = all.iter().filter(|c| !c.mirrors.is_empty()).collect();
    let mut disagreements = Vec::new();
    for case in &judged {
        let ours_unsafe = !case.expect.is_empty();
        if ours_unsafe != case.sm_unsafe {
            assert!(case.why.is_some(), "{} disagrees with strong_migrations without a reason", case.class);
            disagreements.push(case.class);
        } else {
            assert!(case.why.is_none(), "{} agrees but carries a reason", case.class);
        }
    }
    let agreement = 1.0 - disagreements.len() as f64 / judged.len() as f64;
    eprintln!(
        "agreement with strong_migrations: {}/{} = {:.1}% (disagreements: {disagreements:?})",
        judged.len() - disagreements.len(),
        judged.len(),
        agreement * 100.0
    );
    assert!(agreement >= REQUIRED_AGREEMENT, "{agreement}");
    // The README states these figures; change both together.
    assert_eq!((judged.len(), disagreements.len()), (124, 2), "update the README's agreement figures");
    let unsafe_cases = judged.iter().filter(|c| c.sm_unsafe).count();
    assert!(unsafe_cases > 50 && judged.len() - unsafe_cases > 40, "both verdicts are well represented");
}
