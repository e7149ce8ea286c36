"""Plausible wrong answers for module 03 (the market in numbers)."""

from tests.mutants import Mutant

MODULE = "03-market-numbers"
_GROWTH = dict(test="annual-growth-tests", answer="annual-growth-answer")
_MID = dict(test="midpoints-tests", answer="midpoints-answer")
_PREMIUM = dict(test="ml-premium-tests", answer="ml-premium-answer")
_CHART = dict(test="salary-chart-tests", answer="salary-chart-answer")

MUTANTS = [
    # annual_growth
    Mutant(**_GROWTH, name="simple-average", why="divides the total by the years (no compounding)",
           replace=[('annual_growth = float(((1 + bls["value"] / 100) ** (1 / span_years) - 1) * 100)',
                     'annual_growth = float(bls["value"] / span_years)')]),
    Mutant(**_GROWTH, name="eleven-years", why="counts both end years: an 11-year span",
           replace=[('int(bls["period_end"]) - int(bls["period_start"])',
                     'int(bls["period_end"]) - int(bls["period_start"]) + 1')]),
    Mutant(**_GROWTH, name="growth-fraction", why="leaves the rate as a fraction, not percent",
           replace=[(" - 1) * 100)", " - 1))")]),
    Mutant(**_GROWTH, name="rounded-typed-in", why="types the rounded rate from the text (1.7)",
           source="annual_growth = 1.7"),
    Mutant(**_GROWTH, name="total-as-rate", why="confuses the ten-year total with a yearly rate",
           source='annual_growth = float(bls["value"])'),
    # midpoints
    Mutant(**_MID, name="keeps-open-ranges", why="computes a midpoint for every row",
           replace=[('closed = salaries[~salaries["open_ended"]]', "closed = salaries")]),
    Mutant(**_MID, name="lower-bound-for-open", why="uses the lower bound as the open rows' midpoint",
           source='midpoints = salaries.assign(midpoint_usd=((salaries["low_usd"]\n'
                  '    + salaries["high_usd"].fillna(salaries["low_usd"])) / 2))'),
    Mutant(**_MID, name="precedence", why="forgets the brackets: low + high / 2",
           replace=[('(closed["low_usd"] + closed["high_usd"]) / 2',
                     'closed["low_usd"] + closed["high_usd"] / 2')]),
    Mutant(**_MID, name="half-width", why="computes half the width instead of the midpoint",
           replace=[('(closed["low_usd"] + closed["high_usd"]) / 2',
                     '(closed["high_usd"] - closed["low_usd"]) / 2')]),
    Mutant(**_MID, name="only-open-rows", why="inverts the filter",
           replace=[('salaries[~salaries["open_ended"]]', 'salaries[salaries["open_ended"]]')]),
    # ml_premium
    Mutant(**_PREMIUM, name="reversed-base", why="measures the gap against the ML salary",
           replace=[('(by_id["ml-eng-national-median"] / by_id["ai-eng-national-median"] - 1)',
                     '(1 - by_id["ai-eng-national-median"] / by_id["ml-eng-national-median"])')]),
    Mutant(**_PREMIUM, name="premium-fraction", why="a fraction instead of percent",
           replace=[(' - 1) * 100)', ' - 1))')]),
    Mutant(**_PREMIUM, name="dollar-gap", why="the difference in dollars, not percent",
           source='by_id = midpoints.set_index("id")["midpoint_usd"]\n'
                  'ml_premium = float(by_id["ml-eng-national-median"] - by_id["ai-eng-national-median"])'),
    Mutant(**_PREMIUM, name="article-midpoint", why="types the article's 10-15% midpoint",
           source="ml_premium = 12.5"),
    Mutant(**_PREMIUM, name="low-ends", why="compares the low ends of the ranges, not midpoints",
           source='by_low = salaries.set_index("id")["low_usd"]\n'
                  'ml_premium = float((by_low["ml-eng-national-median"] / '
                  'by_low["ai-eng-national-median"] - 1) * 100)'),
    # salary_chart
    Mutant(**_CHART, name="ordinal-x", why="encodes dollars as ordinal categories",
           replace=[('"midpoint_usd:Q"', '"midpoint_usd:O"')]),
    Mutant(**_CHART, name="points", why="draws points instead of bars",
           replace=[(".mark_bar()", ".mark_point()")]),
    Mutant(**_CHART, name="colour-by-level", why="colours by level instead of role",
           replace=[('alt.Color("role:N")', 'alt.Color("level:N")')]),
    Mutant(**_CHART, name="y-by-role", why="one bar per role (stacked) instead of per row",
           replace=[('alt.Y("id:N"', 'alt.Y("role:N"')]),
    Mutant(**_CHART, name="axes-swapped", why="puts the ids on x and the dollars on y",
           replace=[('x=alt.X("midpoint_usd:Q", title="midpoint (USD)")',
                     'x=alt.X("id:N", sort="-y")'),
                    ('y=alt.Y("id:N", sort="-x", title=None)',
                     'y=alt.Y("midpoint_usd:Q", title="midpoint (USD)")')]),
    Mutant(**_CHART, name="all-salaries", why="charts the full salaries table (no midpoints)",
           replace=[("alt.Chart(midpoints)",
                     "alt.Chart(salaries.assign(midpoint_usd=salaries['low_usd']))")]),
]
