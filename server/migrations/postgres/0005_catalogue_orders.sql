-- The price list and the pool of Numbers (issue 4 points 3 and 4; PRICE-1, PRICE-2, NUM-1), and
-- what an Order records of its Numbers (ACCEPT-2). Seeded data, versioned by valid_from: a new
-- price is a new row, never an update, so a quote of any day can be recomputed.

-- The Numbers of each order line, as ordered: irrevocable like the Order itself.
CREATE TABLE order_line_numbers (
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    number_id BIGINT NOT NULL REFERENCES numbers (id),
    e164 TEXT NOT NULL,
    PRIMARY KEY (order_line_id, number_id)
);
CREATE INDEX order_line_numbers_number ON order_line_numbers (number_id);
CREATE TRIGGER order_line_numbers_irrevocable BEFORE UPDATE OR DELETE ON order_line_numbers
FOR EACH ROW EXECUTE FUNCTION refuse_change('an Order is irrevocable');

-- Discounts granted per payment frequency (PRICE-1), versioned like prices: the row with the
-- latest valid_from not after the day applies; a row of 0 ends a discount.
CREATE TABLE billing_discounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    billing TEXT NOT NULL CHECK (billing IN ('monthly', 'annual')),
    valid_from TEXT NOT NULL,
    discount_pct TEXT NOT NULL,
    label TEXT NOT NULL,
    UNIQUE (billing, valid_from)
);
INSERT INTO billing_discounts (billing, valid_from, discount_pct, label)
VALUES ('annual', '2026-01-01', '5', 'Annual payment');

-- Call Plans: NULL minutes or SMS means unlimited.
INSERT INTO call_plans (code, name, included_minutes, included_sms, international_with_credits) VALUES
    ('ESSENTIAL', 'Essential', 100, 50, 0),
    ('BUSINESS', 'Business', 1000, 500, 0),
    ('UNLIMITED', 'Unlimited', NULL, NULL, 1);

INSERT INTO call_plan_countries (plan_id, country)
WITH c (code, country) AS (VALUES
    ('ESSENTIAL', 'FR'), ('ESSENTIAL', 'BE'), ('ESSENTIAL', 'ES'),
    ('BUSINESS', 'FR'), ('BUSINESS', 'BE'), ('BUSINESS', 'ES'), ('BUSINESS', 'DE'), ('BUSINESS', 'IT'),
    ('UNLIMITED', 'FR'), ('UNLIMITED', 'BE'), ('UNLIMITED', 'ES'), ('UNLIMITED', 'DE'), ('UNLIMITED', 'IT'),
    ('UNLIMITED', 'GB')
)
SELECT p.id, c.country FROM call_plans p JOIN c ON c.code = p.code;

-- Prices per Number and period, excluding VAT, in cents: tiers from 1, 10 and 50 Numbers of a
-- plan. The 2027-01-01 row is a price increase announced in advance (PRICE-2, PRICE-5): quotes
-- of earlier days keep the 2026 price.
INSERT INTO call_plan_prices (plan_id, valid_from, billing, min_quantity, unit_price_cents)
WITH v (code, valid_from, billing, min_quantity, cents) AS (VALUES
    ('ESSENTIAL', '2026-01-01', 'monthly', 1, 990), ('ESSENTIAL', '2026-01-01', 'monthly', 10, 890),
    ('ESSENTIAL', '2026-01-01', 'monthly', 50, 790), ('ESSENTIAL', '2026-01-01', 'annual', 1, 9900),
    ('ESSENTIAL', '2026-01-01', 'annual', 10, 8900), ('ESSENTIAL', '2026-01-01', 'annual', 50, 7900),
    ('BUSINESS', '2026-01-01', 'monthly', 1, 1990), ('BUSINESS', '2026-01-01', 'monthly', 10, 1790),
    ('BUSINESS', '2026-01-01', 'monthly', 50, 1590), ('BUSINESS', '2026-01-01', 'annual', 1, 19900),
    ('BUSINESS', '2026-01-01', 'annual', 10, 17900), ('BUSINESS', '2026-01-01', 'annual', 50, 15900),
    ('BUSINESS', '2027-01-01', 'monthly', 1, 2190),
    ('UNLIMITED', '2026-01-01', 'monthly', 1, 2990), ('UNLIMITED', '2026-01-01', 'monthly', 10, 2690),
    ('UNLIMITED', '2026-01-01', 'monthly', 50, 2390), ('UNLIMITED', '2026-01-01', 'annual', 1, 29900),
    ('UNLIMITED', '2026-01-01', 'annual', 10, 26900), ('UNLIMITED', '2026-01-01', 'annual', 50, 23900)
)
SELECT p.id, v.valid_from, v.billing, v.min_quantity, v.cents FROM call_plans p JOIN v ON v.code = p.code;

-- The pool: 60 available Numbers per country, generated deterministically, each following its
-- country's mobile numbering plan (domain::catalogue::follows_mobile_plan checks them):
-- FR +33 6/7 + 8 digits; BE +32 47/48/49 + 7; ES +34 6 + 8 or 71-74 + 7; DE +49 151/160/176 + 8;
-- IT +39 320/333/347 + 7; GB +44 74/75/77/78/79 + 8.
INSERT INTO numbers (e164, country)
WITH RECURSIVE seq (n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < 59)
SELECT e164, country FROM (
    SELECT '+33' || substr('67', n % 2 + 1, 1) || lpad(((n * 7919 + 12345678) % 100000000)::text, 8, '0') AS e164, 'FR' AS country FROM seq
    UNION ALL
    SELECT '+324' || substr('789', n % 3 + 1, 1) || lpad(((n * 4099 + 2030405) % 10000000)::text, 7, '0'), 'BE' FROM seq
    UNION ALL
    SELECT CASE WHEN n % 2 = 0 THEN '+346' || lpad(((n * 6997 + 31415926) % 100000000)::text, 8, '0') ELSE '+347' || substr('1234', n % 4 + 1, 1) || lpad(((n * 3671 + 2718281) % 10000000)::text, 7, '0') END, 'ES' FROM seq
    UNION ALL
    SELECT '+49' || substr('151160176', (n % 3) * 3 + 1, 3) || lpad(((n * 8191 + 42424242) % 100000000)::text, 8, '0'), 'DE' FROM seq
    UNION ALL
    SELECT '+39' || substr('320333347', (n % 3) * 3 + 1, 3) || lpad(((n * 5003 + 1618033) % 10000000)::text, 7, '0'), 'IT' FROM seq
    UNION ALL
    SELECT '+447' || substr('45789', n % 5 + 1, 1) || lpad(((n * 9973 + 14142135) % 100000000)::text, 8, '0'), 'GB' FROM seq
) AS pool
ORDER BY country, e164;
