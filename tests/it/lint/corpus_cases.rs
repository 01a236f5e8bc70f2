//! The corpus: one migration per strong_migrations PostgreSQL assertion, written for this
//! project's fixture schema (`accounts`, `plans`), with the check ids bpdeploy reports.
//! Not mirrored (out of scope for a verdict on a deploy): rollback-direction assertions
//! (`direction: :down`, run only on rollback, which neither tool checks by default), custom
//! checks added with `StrongMigrations.add_check`, `safe_by_default` rewrites, timeouts and
//! lock retries, unsupported-version and unsupported-adapter errors, and argument errors.

/// A db/schema.rb as Rails 7.1 dumps it: production's schema for every case.
pub const SCHEMA_RB: &str = r#"ActiveRecord::Schema[7.1].define(version: 2024_06_01_000000) do
  enable_extension "citext"
  enable_extension "plpgsql"

  create_table "accounts", force: :cascade do |t|
    t.string "title"
    t.string "city"
    t.decimal "balance", precision: 10, scale: 5
    t.datetime "archived_at", precision: nil
    t.string "region", limit: 20
    t.string "window"
    t.text "notes"
    t.citext "handle"
    t.bigint "plan_id"
    t.index ["plan_id"], name: "index_accounts_on_plan_id"
  end

  create_table "plans", force: :cascade do |t|
  end
end
"#;

pub struct Case {
    pub class: &'static str,
    /// The strong_migrations test this mirrors (`file#test`); empty for a helper migration.
    pub mirrors: &'static str,
    pub sm_unsafe: bool,
    pub code: String,
    pub expect: &'static [&'static str],
    pub postgres: u32,
    pub partial_inserts: Option<bool>,
    /// Why bpdeploy's verdict differs from strong_migrations' (also in the README).
    pub why: Option<&'static str>,
}

impl Case {
    fn pg(mut self, version: u32) -> Case {
        self.postgres = version;
        self
    }
    fn partial_inserts(mut self, on: bool) -> Case {
        self.partial_inserts = Some(on);
        self
    }
    fn why(mut self, reason: &'static str) -> Case {
        self.why = Some(reason);
        self
    }
}

const U: bool = true;
const S: bool = false;

fn case(
    class: &'static str,
    mirrors: &'static str,
    sm_unsafe: bool,
    code: String,
    expect: &'static [&'static str],
) -> Case {
    Case { class, mirrors, sm_unsafe, code, expect, postgres: 16, partial_inserts: None, why: None }
}

fn indent(body: &str) -> String {
    body.lines().map(|l| format!("    {l}\n")).collect()
}

/// `class … def change … end end`, with `class_level` lines (e.g. `disable_ddl_transaction!`).
fn change(class: &str, class_level: &str, body: &str) -> String {
    let level = if class_level.is_empty() { String::new() } else { format!("  {class_level}\n\n") };
    format!("class {class} < ActiveRecord::Migration[7.1]\n{level}  def change\n{}  end\nend\n", indent(body))
}

fn up_down(class: &str, class_level: &str, up: &str, down: &str) -> String {
    let level = if class_level.is_empty() { String::new() } else { format!("  {class_level}\n\n") };
    format!(
        "class {class} < ActiveRecord::Migration[7.1]\n{level}  def up\n{}  end\n\n  def down\n{}  end\nend\n",
        indent(up),
        indent(down)
    )
}

const DDL_OFF: &str = "disable_ddl_transaction!";

pub fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    all.extend(check_constraints());
    all.extend(columns());
    all.extend(indexes_and_references());
    all.extend(type_changes());
    all.extend(nulls_defaults_and_tables());
    all.extend(misc());
    all
}

fn check_constraints() -> Vec<Case> {
    let m = "add_check_constraint_test";
    vec![
        case("CheckBalance", m, U, change("CheckBalance", "", "add_check_constraint :accounts, \"balance >= 0\", name: \"accounts_balance_positive\""), &["add_check_constraint"]),
        case("CheckBalanceLater", m, S, change("CheckBalanceLater", "", "add_check_constraint :accounts, \"balance >= 0\", validate: false"), &[]),
        case("CheckAndValidate", m, U, change("CheckAndValidate", "", "add_check_constraint :accounts, \"balance >= 0\", name: \"balance_check\", validate: false\nvalidate_check_constraint :accounts, name: \"balance_check\""), &["validate_check_constraint"]),
        case("CheckAndValidateOutside", m, S, change("CheckAndValidateOutside", DDL_OFF, "add_check_constraint :accounts, \"balance >= 0\", name: \"balance_check\", validate: false\nvalidate_check_constraint :accounts, name: \"balance_check\""), &[]),
        case("CheckNewTable", m, S, change("CheckNewTable", "", "create_table :ledgers do |t|\n  t.string :title\nend\nadd_check_constraint :ledgers, \"title IS NOT NULL\""), &[]),
        case("CheckNamed", m, U, change("CheckNamed", "", "add_check_constraint :accounts, \"balance >= 0\", name: \"balance_check\""), &["add_check_constraint"]),
        case("ExclusionOnAccounts", "add_exclusion_constraint_test#basic", U, change("ExclusionOnAccounts", "", "add_exclusion_constraint :accounts, \"balance WITH =\", using: :gist"), &["add_exclusion_constraint"]),
        case("ExclusionOnNewTable", "add_exclusion_constraint_test#new_table", S, change("ExclusionOnNewTable", "", "create_table :ledgers do |t|\n  t.decimal :balance, precision: 10, scale: 5\nend\nadd_exclusion_constraint :ledgers, \"balance WITH =\", using: :gist"), &[]),
        case("UniqueTitle", "add_unique_constraint_test#basic", U, change("UniqueTitle", "", "add_unique_constraint :accounts, :title"), &["add_unique_constraint"]),
        case("UniqueTitleFromIndex", "add_unique_constraint_test#using_index", S, up_down("UniqueTitleFromIndex", DDL_OFF, "add_index :accounts, :title, unique: true, algorithm: :concurrently\nadd_unique_constraint :accounts, using_index: \"index_accounts_on_title\"", "remove_unique_constraint :accounts, :title"), &[]),
        case("UniqueOnNewTable", "add_unique_constraint_test#new_table", S, change("UniqueOnNewTable", "", "create_table :ledgers do |t|\n  t.string :title\nend\nadd_unique_constraint :ledgers, :title"), &[]),
        case("PlanKey", "add_foreign_key_test#basic", U, change("PlanKey", "", "add_foreign_key :accounts, :plans"), &["add_foreign_key"]),
        case("PlanKeyLater", "add_foreign_key_test#safe", S, change("PlanKeyLater", "", "add_foreign_key :accounts, :plans, validate: false"), &[]),
        case("PlanKeyValidated", "add_foreign_key_test#validate_same_transaction", U, change("PlanKeyValidated", "", "add_foreign_key :accounts, :plans, validate: false\nvalidate_foreign_key :accounts, :plans"), &["validate_foreign_key"]),
        case("PlanKeyValidatedOutside", "add_foreign_key_test#validate_no_transaction", S, change("PlanKeyValidatedOutside", DDL_OFF, "add_foreign_key :accounts, :plans, validate: false\nvalidate_foreign_key :accounts, :plans"), &[]),
        case("PlanKeyExtra", "add_foreign_key_test#extra_arguments", U, change("PlanKeyExtra", "", "add_foreign_key :accounts, :plans, :extra"), &["add_foreign_key"]),
    ]
}

fn columns() -> Vec<Case> {
    let m = "add_column_test";
    let d = "add_column_default_test";
    vec![
        case("AddActive", m, S, change("AddActive", "", "add_column :accounts, :active, :boolean, default: true"), &[]),
        case("AddActiveNil", m, S, change("AddActiveNil", "", "add_column :accounts, :active, :boolean, default: nil"), &[]),
        case("AddTokenRequired", m, U, change("AddTokenRequired", "", "add_column :accounts, :token, :uuid, default: \"gen_random_uuid()\", null: false"), &["add_column_default"]),
        case("AddActiveThenDefault", m, S, change("AddActiveThenDefault", "", "add_column :accounts, :active, :boolean\nchange_column_default :accounts, :active, from: true, to: false"), &[]),
        case("AddSeenAt", m, U, change("AddSeenAt", "", "add_column :accounts, :seen_at, :datetime, default: -> { \"clock_timestamp()\" }"), &["add_column_default"]),
        case("AddToken", m, U, change("AddToken", "", "add_column :accounts, :token, :uuid, default: \"gen_random_uuid()\""), &["add_column_default"]),
        case("AddTokenThenDefault", m, S, change("AddTokenThenDefault", "", "add_column :accounts, :token, :uuid\nchange_column_default :accounts, :token, from: nil, to: \"gen_random_uuid()\""), &[]),
        case("AddSettingsJson", m, U, change("AddSettingsJson", "", "add_column :accounts, :settings, :json"), &["add_column_json"]),
        case("AddLowerCity", m, U, change("AddLowerCity", "", "add_column :accounts, :lower_city, :virtual, type: :string, as: \"LOWER(city)\", stored: true"), &["add_column_generated_stored"]),
        case("AddPrimaryKey", m, U, change("AddPrimaryKey", "", "add_column :accounts, :number, :primary_key"), &["add_column_auto_incrementing"]),
        case("AddSerial", m, U, change("AddSerial", "", "add_column :accounts, :number, :serial"), &["add_column_auto_incrementing"]),
        case("AddBigserial", m, U, change("AddBigserial", "", "add_column :accounts, :number, :bigserial"), &["add_column_auto_incrementing"]),
        case("AddActiveOnTen", d, U, change("AddActiveOnTen", "", "add_column :accounts, :active, :boolean, default: true"), &["add_column_default"]).pg(10),
        case("AddActiveOnTenAgain", d, U, change("AddActiveOnTenAgain", "", "add_column :accounts, :active, :boolean, default: false"), &["add_column_default"]).pg(10),
        case("AddActiveRequiredOnTen", d, U, change("AddActiveRequiredOnTen", "", "add_column :accounts, :active, :boolean, default: true, null: false"), &["add_column_default"]).pg(10),
        case("AddActiveOnEleven", d, S, change("AddActiveOnEleven", "", "add_column :accounts, :active, :boolean, default: true"), &[]).pg(11),
        case("AddActiveThenDefaultOnTen", d, S, change("AddActiveThenDefaultOnTen", "", "add_column :accounts, :active, :boolean\nchange_column_default :accounts, :active, from: true, to: false"), &[]).pg(10),
    ]
}

fn indexes_and_references() -> Vec<Case> {
    let i = "add_index_test";
    let r = "add_reference_test";
    vec![
        case("IndexTitleAndCity", i, U, change("IndexTitleAndCity", "", "add_index :accounts, :title\nadd_index :accounts, :city"), &["add_index", "add_index"]),
        case("IndexTitleUp", i, U, "class IndexTitleUp < ActiveRecord::Migration[7.1]\n  def self.up\n    add_index :accounts, :title\n  end\n\n  def self.down\n    remove_index :accounts, :title\n  end\nend\n".into(), &["add_index"]),
        case("IndexTitleAssured", i, S, change("IndexTitleAssured", "", "safety_assured { add_index :accounts, :title, name: \"accounts_title\" }"), &[]),
        case("IndexNewTable", i, S, change("IndexNewTable", "", "create_table \"ledgers\" do |t|\n  t.string :title\nend\n\nadd_index :ledgers, :title"), &[]),
        case("IndexInSchemaClass", i, S, "class IndexInSchemaClass < ActiveRecord::Schema[7.1]\n  def change\n    add_index :accounts, :title, name: \"accounts_title_2\"\n  end\nend\n".into(), &[]),
        case("IndexInSchemaDefine", i, S, "ActiveRecord::Schema[7.1].define do\n  add_index :accounts, :title, name: \"accounts_title_3\"\n  remove_index :accounts, name: \"accounts_title_3\"\nend\n".into(), &[]),
        case("IndexTitleConcurrently", i, S, change("IndexTitleConcurrently", DDL_OFF, "add_index :accounts, :title, algorithm: :concurrently"), &[]),
        case("IndexFourColumns", i, U, change("IndexFourColumns", "", "add_index :accounts, [:title, :city, :region, :archived_at]"), &["add_index", "add_index_columns"]),
        case("IndexFourColumnsUnique", i, S, change("IndexFourColumnsUnique", DDL_OFF, "add_index :accounts, [:title, :city, :region, :archived_at], unique: true, algorithm: :concurrently"), &[]),
        case("IndexTitleAssuredAnalyzed", i, S, change("IndexTitleAssuredAnalyzed", "", "safety_assured { add_index :accounts, :title, name: \"accounts_title\" }"), &[]),
        case("IndexExtraArguments", i, U, change("IndexExtraArguments", "", "add_index :accounts, :title, :extra"), &["add_index"]),
        case("ReferenceDevice", r, U, change("ReferenceDevice", "", "add_reference :accounts, :device, index: true"), &["add_reference"]),
        case("ReferenceOwner", r, U, change("ReferenceOwner", "", "add_reference :accounts, :owner, polymorphic: true, index: true"), &["add_reference"]),
        case("ReferenceNoIndex", r, S, change("ReferenceNoIndex", "", "add_reference :accounts, :region_code, index: false"), &[]),
        case("ReferenceDefault", r, U, change("ReferenceDefault", "", "add_reference :accounts, :address"), &["add_reference"]),
        case("ReferenceConcurrently", r, S, change("ReferenceConcurrently", DDL_OFF, "add_reference :accounts, :address, index: { algorithm: :concurrently }"), &[]),
        case("ReferenceForeignKey", r, U, change("ReferenceForeignKey", "", "add_reference :accounts, :device, foreign_key: true, index: false"), &["add_foreign_key"]),
        case("BelongsToDevice", r, U, change("BelongsToDevice", "", "add_belongs_to :accounts, :device, index: true"), &["add_reference"]),
        case("ReferenceExtra", r, U, change("ReferenceExtra", "", "add_reference :accounts, :device, :extra, index: true"), &["add_reference"]),
        case("ReferenceConcurrentlyAnalyzed", r, S, change("ReferenceConcurrentlyAnalyzed", DDL_OFF, "add_reference :accounts, :address, index: { algorithm: :concurrently }"), &[]),
        case("ReferenceNoIndexAnalyzed", r, S, change("ReferenceNoIndexAnalyzed", "", "add_reference :accounts, :region_code, index: false"), &[]),
        case("DropTitleIndex", "remove_index_test", U, change("DropTitleIndex", "", "remove_index :accounts, :title"), &["remove_index"]),
        case("DropTitleIndexByColumn", "remove_index_test", U, change("DropTitleIndexByColumn", "", "remove_index :accounts, column: :title"), &["remove_index"]),
        case("DropTitleIndexByName", "remove_index_test", U, change("DropTitleIndexByName", "", "remove_index :accounts, name: \"accounts_title\""), &["remove_index"]),
        case("DropTitleIndexConcurrently", "remove_index_test", S, change("DropTitleIndexConcurrently", DDL_OFF, "remove_index :accounts, column: :title, algorithm: :concurrently"), &[]),
    ]
}

fn type_changes() -> Vec<Case> {
    let c = "change_column_test";
    let tz = "timestamp and timestamptz convert in place only when the database time zone is UTC, which a static check cannot see (strong_migrations asks the server)";
    let widen = |class: &'static str, column: &str, add: &str, ty: &str, key: &str| {
        let body = format!(
            "add_column :accounts, :{column}, :{ty}, {key}: 0\nchange_column :accounts, :{column}, :{ty}, {key}: 3\nchange_column :accounts, :{column}, :{ty}, {key}: 6\nchange_column :accounts, :{column}, :{ty}\nchange_column :accounts, :{column}, :{ty}, {key}: 6"
        );
        let _ = add;
        up_down(class, "", &body, &format!("remove_column :accounts, :{column}"))
    };
    let narrow = |class: &'static str, column: &str, ty: &str, key: &str| {
        let body =
            format!("add_column :accounts, :{column}, :{ty}\nchange_column :accounts, :{column}, :{ty}, {key}: 3");
        up_down(class, "", &body, &format!("remove_column :accounts, :{column}"))
    };
    let one = |class: &'static str, up: &str, down: &str| up_down(class, "", up, down);
    vec![
        case("RetypeMissing", c, U, change("RetypeMissing", "", "change_column :accounts, :settings, :bad_name"), &["change_column"]),
        case("TitleToText", c, S, one("TitleToText", "change_column :accounts, :title, :text", "change_column :accounts, :title, :string"), &[]),
        case("TitleToCitext", c, S, one("TitleToCitext", "change_column :accounts, :title, :citext", "change_column :accounts, :title, :string"), &[]),
        case("RegionLonger", c, S, one("RegionLonger", "change_column :accounts, :region, :string, limit: 21", "change_column :accounts, :region, :string, limit: 20"), &[]),
        case("RegionMuchLonger", c, S, one("RegionMuchLonger", "change_column :accounts, :region, :string, limit: 256", "change_column :accounts, :region, :string, limit: 20"), &[]),
        case("RegionShorter", c, U, one("RegionShorter", "change_column :accounts, :region, :string, limit: 19", "change_column :accounts, :region, :string, limit: 20"), &["change_column"]),
        case("RegionUnlimited", c, S, one("RegionUnlimited", "change_column :accounts, :region, :string", "change_column :accounts, :region, :string, limit: 20"), &[]),
        case("NotesToShortString", c, U, one("NotesToShortString", "change_column :accounts, :notes, :string, limit: 20", "change_column :accounts, :notes, :text"), &["change_column"]),
        case("NotesToString", c, S, one("NotesToString", "change_column :accounts, :notes, :string", "change_column :accounts, :notes, :text"), &[]),
        case("RegionLimitedAgain", c, U, one("RegionLimitedAgain", "change_column :accounts, :region, :string\nchange_column :accounts, :region, :string, limit: 20", "change_column :accounts, :region, :string, limit: 20"), &["change_column"]),
        case("NotesToCitext", c, S, one("NotesToCitext", "change_column :accounts, :notes, :citext", "change_column :accounts, :notes, :text"), &[]),
        case("HandleToText", c, S, one("HandleToText", "change_column :accounts, :handle, :text", "change_column :accounts, :handle, :citext"), &[]),
        case("HandleToShortString", c, U, one("HandleToShortString", "change_column :accounts, :handle, :string, limit: 20", "change_column :accounts, :handle, :citext"), &["change_column"]),
        case("HandleToString", c, S, one("HandleToString", "change_column :accounts, :handle, :string", "change_column :accounts, :handle, :citext"), &[]),
        case("BalanceLessPrecise", c, U, "class BalanceLessPrecise < ActiveRecord::Migration[7.1]\n  def up\n    change_column :accounts, :balance, :decimal, precision: 9, scale: 5\n  end\nend\n".into(), &["change_column"]),
        case("BalanceRescaled", c, U, "class BalanceRescaled < ActiveRecord::Migration[7.1]\n  def up\n    change_column :accounts, :balance, :decimal, precision: 10, scale: 6\n  end\nend\n".into(), &["change_column"]),
        case("BalanceMorePrecise", c, S, one("BalanceMorePrecise", "change_column :accounts, :balance, :decimal, precision: 11, scale: 5", "change_column :accounts, :balance, :decimal, precision: 10, scale: 5"), &[]),
        case("BalanceUnconstrained", c, S, one("BalanceUnconstrained", "change_column :accounts, :balance, :decimal", "change_column :accounts, :balance, :decimal, precision: 10, scale: 5"), &[]),
        case("ArchivedAtZoned", c, S, "class ArchivedAtZoned < ActiveRecord::Migration[7.1]\n  def up\n    change_column :accounts, :archived_at, :timestamptz\n    change_column :accounts, :archived_at, :timestamp\n  end\nend\n".into(), &["change_column", "change_column"]).pg(12).why(tz),
        case("ArchivedAtZonedElsewhere", c, U, "class ArchivedAtZonedElsewhere < ActiveRecord::Migration[7.1]\n  def up\n    change_column :accounts, :archived_at, :timestamptz\n    change_column :accounts, :archived_at, :timestamp\n  end\nend\n".into(), &["change_column", "change_column"]).pg(12),
        case("ArchivedAtZonedOnEleven", c, U, "class ArchivedAtZonedOnEleven < ActiveRecord::Migration[7.1]\n  def up\n    change_column :accounts, :archived_at, :timestamptz\n    change_column :accounts, :archived_at, :timestamp\n  end\nend\n".into(), &["change_column", "change_column"]).pg(11),
        case("JoinedAtFiner", c, S, widen("JoinedAtFiner", "joined_at", "", "datetime", "precision"), &[]),
        case("JoinedAtCoarser", c, U, narrow("JoinedAtCoarser", "joined_at", "datetime", "precision"), &["change_column"]),
        case("StampFiner", c, S, widen("StampFiner", "stamped_at", "", "timestamp", "limit"), &[]),
        case("StampCoarser", c, U, narrow("StampCoarser", "stamped_at", "timestamp", "limit"), &["change_column"]),
        case("ZonedStampFiner", c, S, widen("ZonedStampFiner", "zoned_at", "", "timestamptz", "limit"), &[]),
        case("ZonedStampCoarser", c, U, narrow("ZonedStampCoarser", "zoned_at", "timestamptz", "limit"), &["change_column"]),
        case("OpensAtFiner", c, S, widen("OpensAtFiner", "opens_at", "", "time", "precision"), &[]),
        case("OpensAtCoarser", c, U, narrow("OpensAtCoarser", "opens_at", "time", "precision"), &["change_column"]),
        case("TrialFiner", c, S, widen("TrialFiner", "trial", "", "interval", "precision"), &[]),
        case("TrialCoarser", c, U, narrow("TrialCoarser", "trial", "interval", "precision"), &["change_column"]),
        case("NetworkToAddress", c, S, one("NetworkToAddress", "add_column :accounts, :network, :cidr\nchange_column :accounts, :network, :inet", "remove_column :accounts, :network"), &[]),
        case("AddressToNetwork", c, U, one("AddressToNetwork", "add_column :accounts, :network, :inet\nchange_column :accounts, :network, :cidr", "remove_column :accounts, :network"), &["change_column"]),
        case("RegionRequired", c, U, one("RegionRequired", "change_column :accounts, :region, :string, limit: 20, null: false", "change_column :accounts, :region, :string, limit: 20"), &["change_column_with_not_null"]),
    ]
}

fn nulls_defaults_and_tables() -> Vec<Case> {
    let n = "change_column_null_test";
    let d = "change_column_default_test";
    let t = "change_table_test";
    let add_sql =
        "execute 'ALTER TABLE \"accounts\" ADD CONSTRAINT \"title_present\" CHECK (\"title\" IS NOT NULL) NOT VALID'";
    let validate_sql = "execute 'ALTER TABLE \"accounts\" VALIDATE CONSTRAINT \"title_present\"'";
    let drop_sql = "execute 'ALTER TABLE \"accounts\" DROP CONSTRAINT \"title_present\"'\nchange_column_null :accounts, :title, true";
    let through_check = |class: &'static str, validated: bool, null_call: &str| {
        let validate = if validated { format!("\n  {validate_sql}") } else { String::new() };
        up_down(class, "", &format!("safety_assured do\n  {add_sql}{validate}\nend\n{null_call}"), drop_sql)
    };
    let change_table_why = "strong_migrations cannot look inside change_table and flags every block; bpdeploy checks the operations inside it one by one, and adding a plain column is safe";
    vec![
        case("TitleRequired", n, U, change("TitleRequired", "", "change_column_null :accounts, :title, false"), &["change_column_null"]),
        case("TitleRequiredByCheck", n, S, through_check("TitleRequiredByCheck", true, "change_column_null :accounts, :title, false"), &[]).pg(12),
        case("TitleRequiredByUncheckedCheck", n, U, through_check("TitleRequiredByUncheckedCheck", false, "change_column_null :accounts, :title, false"), &["change_column_null"]).pg(12),
        case("TitleRequiredByCheckOnEleven", n, U, through_check("TitleRequiredByCheckOnEleven", true, "change_column_null :accounts, :title, false"), &["change_column_null"]).pg(11),
        case("TitleRequiredWithDefault", n, U, change("TitleRequiredWithDefault", "", "change_column_null :accounts, :title, false, \"Untitled\""), &["change_column_null"]),
        case("TitleRequiredByCheckMethods", n, S, up_down("TitleRequiredByCheckMethods", DDL_OFF, "add_check_constraint :accounts, \"title IS NOT NULL\", name: \"title_present\", validate: false\nvalidate_check_constraint :accounts, name: \"title_present\"\nchange_column_null :accounts, :title, false\nremove_check_constraint :accounts, name: \"title_present\"", "change_column_null :accounts, :title, true"), &[]).pg(12),
        case("WindowRequiredByQuotedCheck", n, S, up_down("WindowRequiredByQuotedCheck", "", "safety_assured do\n  execute 'ALTER TABLE \"accounts\" ADD CONSTRAINT \"window_present\" CHECK (\"window\" IS NOT NULL) NOT VALID'\n  execute 'ALTER TABLE \"accounts\" VALIDATE CONSTRAINT \"window_present\"'\nend\nchange_column_null :accounts, :window, false", "execute 'ALTER TABLE \"accounts\" DROP CONSTRAINT \"window_present\"'\nchange_column_null :accounts, :window, true"), &[]).pg(12),
        case("TitleDefault", d, U, change("TitleDefault", "", "change_column_default :accounts, :title, \"Untitled\""), &["change_column_default"]).partial_inserts(true),
        case("TitleDefaultFromTo", d, U, change("TitleDefaultFromTo", "", "change_column_default :accounts, :title, from: nil, to: \"Untitled\""), &["change_column_default"]).partial_inserts(true),
        case("TitleDefaultNoPartialInserts", d, S, change("TitleDefaultNoPartialInserts", "", "change_column_default :accounts, :title, from: nil, to: \"Untitled\""), &[]).partial_inserts(false),
        case("NewColumnDefault", d, S, change("NewColumnDefault", "", "add_column :accounts, :active, :boolean\nchange_column_default :accounts, :active, from: nil, to: true"), &[]),
        case("AddNickname", t, U, change("AddNickname", "", "change_table :accounts do |t|\n  t.string :nickname\nend"), &[]).why(change_table_why),
        case("AddNamesSafely", t, S, up_down("AddNamesSafely", "", "safe_change_table :accounts do |t|\n  t.string :first_name\n  t.string :last_name\nend", "remove_column :accounts, :first_name\nremove_column :accounts, :last_name"), &[]),
        case("RemoveTitleSafely", t, U, change("RemoveTitleSafely", "", "safe_change_table :accounts do |t|\n  t.remove :title\nend"), &["remove_column"]),
    ]
}

fn misc() -> Vec<Case> {
    let m = "misc_test";
    let r = "remove_column_test";
    vec![
        case("RunSql", m, U, change("RunSql", "", "execute 'SELECT CURRENT_TIMESTAMP'"), &["execute"]),
        case(
            "RenameRegion",
            m,
            U,
            change("RenameRegion", "", "rename_column :accounts, :region, :territory"),
            &["rename_column"],
        ),
        case(
            "RenameAccounts",
            m,
            U,
            change("RenameAccounts", "", "rename_table :accounts, :customers"),
            &["rename_table"],
        ),
        case("RenameSchema", m, U, change("RenameSchema", "", "rename_schema :public, :legacy"), &["rename_schema"]),
        case(
            "ForceAdmins",
            m,
            U,
            change("ForceAdmins", "", "create_table :admins, force: :cascade do |t|\n  t.string :title\nend"),
            &["create_table"],
        ),
        case("JoinAccountsPlans", m, S, change("JoinAccountsPlans", "", "create_join_table :accounts, :plans"), &[]),
        case(
            "ForceJoinAccountsPlans",
            m,
            U,
            change("ForceJoinAccountsPlans", "", "create_join_table :accounts, :plans, force: :cascade"),
            &["create_table"],
        ),
        // `revert` of another migration runs it backwards: removing what it added.
        case(
            "AddRegionCodeReference",
            "",
            S,
            change("AddRegionCodeReference", "", "add_reference :accounts, :region_code, index: false"),
            &[],
        ),
        case(
            "UndoRegionCodeReference",
            m,
            U,
            change("UndoRegionCodeReference", "", "revert AddRegionCodeReference"),
            &["remove_column"],
        ),
        case(
            "UndoRegionCodeReferenceAssured",
            m,
            S,
            change("UndoRegionCodeReferenceAssured", "", "safety_assured { revert AddRegionCodeReference }"),
            &[],
        ),
        case("UndoForceAdmins", m, S, change("UndoForceAdmins", "", "revert ForceAdmins"), &[]),
        case(
            "UndoReferenceInline",
            m,
            U,
            change("UndoReferenceInline", "", "revert { add_reference :accounts, :region_code, index: false }"),
            &["remove_column"],
        ),
        case(
            "UndoForceAdminsInline",
            m,
            S,
            change(
                "UndoForceAdminsInline",
                "",
                "revert do\n  create_table :admins, force: :cascade do |t|\n    t.string :title\n  end\nend",
            ),
            &[],
        ),
        case(
            "DropTitle",
            r,
            U,
            change("DropTitle", "", "remove_column :accounts, :title, :string"),
            &["remove_column"],
        ),
        case(
            "DropTitleAndCity",
            r,
            U,
            change("DropTitleAndCity", "", "remove_columns :accounts, :title, :city"),
            &["remove_column"],
        ),
        case("DropTimestamps", r, U, change("DropTimestamps", "", "remove_timestamps :accounts"), &["remove_column"]),
        case(
            "DropPlanReference",
            r,
            U,
            change("DropPlanReference", "", "remove_reference :accounts, :plan"),
            &["remove_column"],
        ),
        case(
            "DropOwnerReference",
            r,
            U,
            change("DropOwnerReference", "", "remove_reference :accounts, :owner, polymorphic: true"),
            &["remove_column"],
        ),
        case(
            "DropPlanBelongsTo",
            r,
            U,
            change("DropPlanBelongsTo", "", "remove_belongs_to :accounts, :plan"),
            &["remove_column"],
        ),
    ]
}
