//! The story of the storefront app: what production runs, and what is waiting on master.
//! Each scenario adds its own last pull request so its drill has a real cause in the code.
use super::rails as f;
use super::script::{MergeStyle, Script};
use super::tree::Person;
use crate::cli::Scenario;

pub const ALICE: Person = Person { name: "Alice Moreau", email: "alice@acme.test", login: "alice" };
pub const BOB: Person = Person { name: "Bob Okafor", email: "bob@acme.test", login: "bob" };
pub const CAROL: Person = Person { name: "Carol Lindqvist", email: "carol@acme.test", login: "carol" };
pub const DAVE: Person = Person { name: "Dave Tanaka", email: "dave@acme.test", login: "dave" };
pub const ERIN: Person = Person { name: "Erin Walsh", email: "erin@acme.test", login: "erin" };
pub const FRANK: Person = Person { name: "Frank Osei", email: "frank@acme.test", login: "frank" };
pub const GRACE: Person = Person { name: "Grace Hopkins", email: "grace@acme.test", login: "grace" };
pub const HEIDI: Person = Person { name: "Heidi Novak", email: "heidi@acme.test", login: "heidi" };
pub const IVAN: Person = Person { name: "Ivan Petrov", email: "ivan@acme.test", login: "ivan" };

pub const PEOPLE: [Person; 9] = [ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GRACE, HEIDI, IVAN];

/// 2025-01-06T09:00:00Z: fixed, so every run has the same shas.
pub const START: i64 = 1_736_154_000;

/// The pull request whose code the error-spike and revert-conflict drills break.
pub const LOYALTY_PR: u64 = 4;

fn s(text: &str) -> Option<String> {
    Some(text.to_string())
}

pub fn write(script: &mut Script, scenario: Scenario) -> Result<(), git2::Error> {
    // What production runs: v1..v6.
    script.direct(
        ALICE,
        "Initial storefront app",
        vec![
            ("Gemfile", s(f::GEMFILE)),
            ("Procfile", s(f::PROCFILE)),
            (".gitignore", s(f::GITIGNORE)),
            ("README.md", s(f::README)),
            ("config/application.rb", s(f::APPLICATION_RB)),
            ("config/routes.rb", s(f::ROUTES_RB)),
            ("config/initializers/rack_attack.rb", Some(f::rack_attack(10))),
            ("app/models/application_record.rb", s(f::APPLICATION_RECORD_RB)),
            ("app/models/user.rb", s(f::USER_RB)),
            ("app/models/order.rb", Some(f::order_rb(false, false, false))),
            ("app/controllers/application_controller.rb", s(f::APPLICATION_CONTROLLER_RB)),
            ("app/controllers/orders_controller.rb", s(f::ORDERS_CONTROLLER_RB)),
            ("app/controllers/checkout_controller.rb", Some(f::checkout_controller(false))),
            ("app/assets/javascripts/application.js", s(f::APPLICATION_JS)),
            ("app/assets/stylesheets/application.css", s(f::APPLICATION_CSS)),
            ("db/migrate/20240101000001_create_users.rb", s(f::CREATE_USERS)),
            ("db/migrate/20240101000002_create_orders.rb", Some(f::create_orders(false))),
            ("db/schema.rb", Some(f::schema_rb("2024_01_01_000002"))),
        ],
    )?;
    script.deploy(ALICE, 24 * 20);
    script.config_release(
        ALICE,
        "Attach DATABASE (@ref:postgresql-curved-12345)",
        Some("heroku-postgresql:essential-0"),
        24 * 20 - 1,
    );
    script.pull_request(
        BOB,
        "bob/order-emails",
        "Send order confirmation emails",
        &["feature"],
        MergeStyle::Merge,
        vec![("app/mailers/order_mailer.rb", s(f::ORDER_MAILER_RB))],
    )?;
    script.deploy(BOB, 24 * 12);
    script.config_release(CAROL, "Set SENTRY_DSN config vars", None, 24 * 9);
    script.pull_request(
        CAROL,
        "carol/order-status",
        "Show order status on the account page",
        &["feature"],
        MergeStyle::Squash,
        vec![
            ("db/migrate/20240301000003_add_status_to_orders.rb", s(f::ADD_STATUS_TO_ORDERS)),
            ("db/data/20240301000004_set_default_status.rb", s(f::SET_DEFAULT_STATUS)),
            ("db/schema.rb", Some(f::schema_rb("2024_03_01_000003"))),
        ],
    )?;
    script.deploy(CAROL, 24 * 5);
    script.pull_request(
        DAVE,
        "dave/order-history-speedup",
        "Speed up the order history page",
        &["performance"],
        MergeStyle::Merge,
        vec![(
            "app/controllers/orders_controller.rb",
            s(&f::ORDERS_CONTROLLER_RB.replace(".recent.includes(:user)", ".recent.includes(:user).limit(50)")),
        )],
    )?;
    script.deploy(DAVE, 26);

    // What is waiting on master (origin/master is ahead of production).
    script.pull_request(
        DAVE,
        "dave/loyalty-points",
        "Award loyalty points on orders",
        &["feature", "loyalty"],
        MergeStyle::Merge,
        vec![
            ("db/migrate/20250101000001_add_loyalty_points_to_orders.rb", s(f::ADD_LOYALTY_POINTS)),
            ("app/services/loyalty/points_calculator.rb", Some(f::points_calculator(false))),
            ("app/models/order.rb", Some(f::order_rb(true, false, false))),
        ],
    )?;
    script.pull_request(
        ERIN,
        "erin/orders-email-index",
        "Index orders by customer email",
        &["performance"],
        MergeStyle::Squash,
        vec![
            ("db/migrate/20250101000002_add_index_to_orders_on_email.rb", s(f::ADD_INDEX_ON_EMAIL)),
            ("app/models/order.rb", Some(f::order_rb(true, true, false))),
        ],
    )?;
    script.pull_request(
        CAROL,
        "carol/backfill-totals",
        "Backfill order totals",
        &["data"],
        MergeStyle::Merge,
        vec![
            ("db/data/20250101000003_backfill_order_totals.rb", s(f::BACKFILL_ORDER_TOTALS)),
            // Editing a migration that already ran: production will never run it again.
            ("db/migrate/20240101000002_create_orders.rb", Some(f::create_orders(true))),
        ],
    )?;
    script.direct(
        FRANK,
        "Raise the checkout rate limit to 30 a minute",
        vec![("config/initializers/rack_attack.rb", Some(f::rack_attack(30)))],
    )?;
    script.pull_request(
        GRACE,
        "grace/buy-now-button",
        "Try a \"Buy now\" checkout button",
        &["experiment"],
        MergeStyle::Squash,
        vec![
            ("app/experiments/checkout_button_experiment.rb", s(f::CHECKOUT_EXPERIMENT_RB)),
            ("app/controllers/checkout_controller.rb", Some(f::checkout_controller(true))),
        ],
    )?;
    script.pull_request(
        ERIN,
        "erin/status-enum",
        "Store order status as an integer enum",
        &["refactor"],
        MergeStyle::Merge,
        vec![
            ("db/migrate/20250101000004_change_orders_status_to_integer.rb", s(f::CHANGE_STATUS_TO_INTEGER)),
            ("app/models/order.rb", Some(f::order_rb(true, true, true))),
            ("db/schema.rb", Some(f::schema_rb("2025_01_01_000004"))),
        ],
    )?;

    match scenario {
        Scenario::BuildFails => {
            script.pull_request(
                HEIDI,
                "heidi/cart-drawer",
                "Animate the cart drawer",
                &["frontend"],
                MergeStyle::Squash,
                vec![("app/assets/javascripts/cart_drawer.js", s(f::CART_DRAWER_JS))],
            )?;
        }
        Scenario::RevertConflict => {
            // Touches the very lines the loyalty PR added, so reverting that PR conflicts.
            script.pull_request(
                IVAN,
                "ivan/cap-loyalty-points",
                "Cap loyalty points per order",
                &["loyalty"],
                MergeStyle::Merge,
                vec![("app/services/loyalty/points_calculator.rb", Some(f::points_calculator(true)))],
            )?;
        }
        Scenario::AppTimeouts => {
            script.pull_request(
                HEIDI,
                "heidi/forum-reply-counts",
                "Show reply counts on the forum index",
                &["forums"],
                MergeStyle::Squash,
                vec![
                    ("app/controllers/forums_controller.rb", s(f::FORUMS_CONTROLLER_RB)),
                    ("config/routes.rb", s(f::ROUTES_WITH_FORUMS_RB)),
                ],
            )?;
        }
        Scenario::Transient => {
            script.pull_request(
                IVAN,
                "ivan/cache-product-listing",
                "Cache the product listing",
                &["performance"],
                MergeStyle::Merge,
                vec![("app/controllers/products_controller.rb", s(f::PRODUCTS_CONTROLLER_RB))],
            )?;
        }
        Scenario::RemoveColumn => {
            // Orders stop keeping their own email: the column goes, and production runs it.
            let controller = script.files["app/controllers/orders_controller.rb"].replace(", :email)", ")");
            script.pull_request(
                HEIDI,
                "heidi/drop-order-email",
                "Use the customer's email for order mail",
                &["cleanup"],
                MergeStyle::Merge,
                vec![
                    ("db/migrate/20250101000005_remove_email_from_orders.rb", s(f::REMOVE_EMAIL_FROM_ORDERS)),
                    ("app/models/order.rb", Some(f::order_rb(true, false, true))),
                    ("app/mailers/order_mailer.rb", s(&f::ORDER_MAILER_RB.replace("order.email", "order.user.email"))),
                    ("app/controllers/orders_controller.rb", Some(controller)),
                    ("db/schema.rb", Some(f::schema_rb("2025_01_01_000005"))),
                ],
            )?;
            script.deploy(HEIDI, 2);
        }
        Scenario::TwoPrs => {
            // Rewrites the line of the loyalty PR that calls the calculator: the failing stack
            // now runs through code of two PRs of the same deploy.
            let order = script.files["app/models/order.rb"].replace(
                "    update!(loyalty_points: Loyalty::PointsCalculator.new(self).points)\n",
                "    return unless paid?\n\n    update!(loyalty_points: Loyalty::PointsCalculator.new(self).points.to_i)\n",
            );
            script.pull_request(
                HEIDI,
                "heidi/points-on-paid-orders",
                "Award loyalty points on paid orders only",
                &["loyalty"],
                MergeStyle::Squash,
                vec![("app/models/order.rb", Some(order))],
            )?;
        }
        _ => {}
    }
    Ok(())
}
