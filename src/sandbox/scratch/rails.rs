//! The files of the scratch Rails app. Lines that drills point at (stack frames, the syntax
//! error, the conflicting edit) are found by their text at run time, never by number.

pub const GEMFILE: &str = "source \"https://rubygems.org\"\n\nruby \"3.3.6\"\n\ngem \"rails\", \"~> 7.1.3\"\ngem \"pg\", \"~> 1.5\"\ngem \"puma\", \"~> 6.4\"\ngem \"sentry-ruby\"\ngem \"sentry-rails\"\ngem \"data_migrate\", \"~> 11.0\"\ngem \"flipper\"\ngem \"rack-attack\"\n";

pub const PROCFILE: &str = "web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq\nrelease: bundle exec rake db:migrate data:migrate\n";

pub const GITIGNORE: &str = "/log/*\n/tmp/*\n/node_modules\n/public/assets\n";

pub const README: &str =
    "# Storefront\n\nThe shop. Deployed to Heroku app `storefront` with `bpdeploy deploy --watch`.\n";

pub const APPLICATION_RB: &str = "require_relative \"boot\"\nrequire \"rails/all\"\n\nmodule Storefront\n  class Application < Rails::Application\n    config.load_defaults 7.1\n    config.active_record.schema_format = :ruby\n  end\nend\n";

pub const ROUTES_RB: &str = "Rails.application.routes.draw do\n  resources :orders, only: %i[index show create]\n  resource :checkout, only: %i[show create]\n  root \"orders#index\"\nend\n";

pub fn rack_attack(limit: u32) -> String {
    format!(
        "# Throttle checkout attempts per IP so card testing bots give up.\nRack::Attack.throttle(\"checkout/ip\", limit: {limit}, period: 1.minute) do |req|\n  req.ip if req.path == \"/checkout\" && req.post?\nend\n"
    )
}

pub const APPLICATION_RECORD_RB: &str = "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n";

/// `display_name` trips over legacy rows without an email (the data-issue drill).
pub const USER_RB: &str = "class User < ApplicationRecord\n  has_many :orders\n  belongs_to :loyalty_tier, optional: true\n\n  def display_name\n    full = [first_name, last_name].compact.join(\" \")\n    full.presence || email.split(\"@\").first\n  end\n\n  def experiment_bucket(name)\n    Digest::MD5.hexdigest(\"#{name}-#{id}\").to_i(16).even? ? \"control\" : \"buy-now\"\n  end\nend\n";

pub fn order_rb(with_loyalty: bool, with_email_scope: bool, with_enum: bool) -> String {
    let mut s = String::from("class Order < ApplicationRecord\n  belongs_to :user\n  has_many :line_items\n\n");
    if with_enum {
        s += "  enum :status, { pending: 0, paid: 1, shipped: 2, cancelled: 3 }\n\n";
    }
    if with_email_scope {
        s += "  scope :by_email, ->(email) { where(email: email.downcase) }\n\n";
    }
    s += "  def total\n    total_cents / 100.0\n  end\n";
    if with_loyalty {
        s += "\n  after_create :award_loyalty_points\n\n  def award_loyalty_points\n    update!(loyalty_points: Loyalty::PointsCalculator.new(self).points)\n  end\n";
    }
    s + "end\n"
}

pub const APPLICATION_CONTROLLER_RB: &str =
    "class ApplicationController < ActionController::Base\n  before_action :authenticate_user!\nend\n";

pub const ORDERS_CONTROLLER_RB: &str = "class OrdersController < ApplicationController\n  def index\n    @orders = current_user.orders.recent.includes(:user)\n    @names = @orders.map { |order| order.user.display_name }\n  end\n\n  def show\n    @order = current_user.orders.find(params[:id])\n  end\n\n  def create\n    @order = current_user.orders.create!(order_params)\n    redirect_to @order\n  end\n\n  private\n\n  def order_params\n    params.require(:order).permit(:total_cents, :email)\n  end\nend\n";

pub fn checkout_controller(with_experiment: bool) -> String {
    let label = if with_experiment {
        "    @button_label = if CheckoutButtonExperiment.enabled_for?(current_user)\n      CheckoutButtonExperiment.new(current_user).label\n    else\n      \"Place order\"\n    end\n"
    } else {
        "    @button_label = \"Place order\"\n"
    };
    format!("class CheckoutController < ApplicationController\n  def show\n    @cart = current_user.cart\n{label}  end\n\n  def create\n    CheckoutService.new(current_user.cart).call\n    redirect_to orders_path\n  end\nend\n")
}

pub const ORDER_MAILER_RB: &str = "class OrderMailer < ApplicationMailer\n  def confirmation(order)\n    @order = order\n    mail to: order.email, subject: \"Your order ##{order.id}\"\n  end\nend\n";

/// Added by the loyalty PR; the error-spike drill raises in `multiplier`.
pub fn points_calculator(capped: bool) -> String {
    let points = if capped { "      [base * multiplier, MAX_POINTS].min\n" } else { "      base * multiplier\n" };
    let constant = if capped { "    MAX_POINTS = 500\n\n" } else { "" };
    format!("# Loyalty points earned on an order: one per whole currency unit, times the tier's multiplier.\nmodule Loyalty\n  class PointsCalculator\n{constant}    def initialize(order)\n      @order = order\n    end\n\n    def points\n      base = (@order.total_cents / 100).floor\n{points}    end\n\n    def multiplier\n      @order.user.loyalty_tier.multiplier\n    end\n  end\nend\n")
}

pub const CHECKOUT_EXPERIMENT_RB: &str = "# A/B test of the checkout button's label, behind the :checkout_button_experiment Flipper flag.\nclass CheckoutButtonExperiment\n  VARIANTS = { \"control\" => \"Place order\", \"buy_now\" => \"Buy now\" }.freeze\n\n  def self.enabled_for?(user)\n    Flipper.enabled?(:checkout_button_experiment, user)\n  end\n\n  def initialize(user)\n    @user = user\n  end\n\n  def label\n    VARIANTS.fetch(variant)\n  end\n\n  def variant\n    @user.experiment_bucket(:checkout_button)\n  end\nend\n";

pub const APPLICATION_JS: &str = "//= require rails-ujs\n//= require_tree .\n\ndocument.addEventListener(\"DOMContentLoaded\", () => {\n  console.debug(\"storefront ready\");\n});\n";

/// The build-fails drill: one closing brace too many, which asset compilation rejects.
pub const CART_DRAWER_JS: &str = "// Slide the cart drawer in when an item is added.\nexport function openCartDrawer(drawer) {\n  drawer.classList.add(\"is-open\");\n  drawer.animate(\n    [{ transform: \"translateX(100%)\" }, { transform: \"translateX(0)\" }],\n    { duration: 200, easing: \"ease-out\" }\n  );\n  }\n}\n";

pub const APPLICATION_CSS: &str = "/*\n *= require_self\n */\nbody { font-family: system-ui, sans-serif; }\n";

pub const CREATE_USERS: &str = "class CreateUsers < ActiveRecord::Migration[7.1]\n  def change\n    create_table :users do |t|\n      t.string :email\n      t.string :first_name\n      t.string :last_name\n      t.timestamps\n    end\n  end\nend\n";

pub fn create_orders(edited: bool) -> String {
    let email = if edited { "      t.string :email, null: false\n" } else { "      t.string :email\n" };
    format!("class CreateOrders < ActiveRecord::Migration[7.1]\n  def change\n    create_table :orders do |t|\n      t.references :user, null: false, foreign_key: true\n      t.integer :total_cents, null: false, default: 0\n{email}      t.timestamps\n    end\n  end\nend\n")
}

pub const ADD_STATUS_TO_ORDERS: &str = "class AddStatusToOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :status, :string, default: \"pending\"\n  end\nend\n";

pub const SET_DEFAULT_STATUS: &str = "class SetDefaultStatus < ActiveRecord::Migration[7.1]\n  def up\n    Order.where(status: nil).in_batches.update_all(status: \"pending\")\n  end\n\n  def down\n  end\nend\n";

pub const ADD_LOYALTY_POINTS: &str = "class AddLoyaltyPointsToOrders < ActiveRecord::Migration[7.1]\n  def change\n    add_column :orders, :loyalty_points, :integer, default: 0, null: false\n  end\nend\n";

/// Risky: a plain add_index locks writes to orders for the whole build of the index.
pub const ADD_INDEX_ON_EMAIL: &str = "class AddIndexToOrdersOnEmail < ActiveRecord::Migration[7.1]\n  def change\n    add_index :orders, :email\n  end\nend\n";

pub const BACKFILL_ORDER_TOTALS: &str = "class BackfillOrderTotals < ActiveRecord::Migration[7.1]\n  def up\n    Order.where(total_cents: 0).find_each do |order|\n      order.update_columns(total_cents: order.line_items.sum(:price_cents))\n    end\n  end\n\n  def down\n    raise ActiveRecord::IrreversibleMigration\n  end\nend\n";

/// The remove-column drill: older code still reads and writes orders.email.
pub const REMOVE_EMAIL_FROM_ORDERS: &str = "class RemoveEmailFromOrders < ActiveRecord::Migration[7.1]\n  def change\n    safety_assured { remove_column :orders, :email, :string }\n  end\nend\n";

/// Risky: change_column rewrites the table under an exclusive lock.
pub const CHANGE_STATUS_TO_INTEGER: &str = "class ChangeOrdersStatusToInteger < ActiveRecord::Migration[7.1]\n  def up\n    change_column :orders, :status, :integer, using: \"CASE status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 WHEN 'cancelled' THEN 3 ELSE 0 END\"\n  end\n\n  def down\n    change_column :orders, :status, :string\n  end\nend\n";

pub fn schema_rb(version: &str) -> String {
    format!("# This file is auto-generated from the current state of the database.\nActiveRecord::Schema[7.1].define(version: {version}) do\n  enable_extension \"plpgsql\"\nend\n")
}

/// One COUNT query per topic on the forum index: fine on a laptop, a 30 s timeout in production
/// (the app-timeouts drill).
pub const FORUMS_CONTROLLER_RB: &str = "class ForumsController < ApplicationController\n  def index\n    @topics = Topic.order(updated_at: :desc)\n    @reply_counts = @topics.to_h { |topic| [topic.id, topic.replies.count] }\n  end\n\n  def show\n    @topic = Topic.find(params[:id])\n  end\nend\n";

pub const ROUTES_WITH_FORUMS_RB: &str = "Rails.application.routes.draw do\n  resources :orders, only: %i[index show create]\n  resources :forums, only: %i[index show]\n  resource :checkout, only: %i[show create]\n  root \"orders#index\"\nend\n";

/// The product listing behind a cache that starts cold on every release (the transient drill).
pub const PRODUCTS_CONTROLLER_RB: &str = "class ProductsController < ApplicationController\n  def index\n    @products = Rails.cache.fetch(\"products/index\", expires_in: 10.minutes) do\n      Product.listed.order(:position).to_a\n    end\n  end\nend\n";
