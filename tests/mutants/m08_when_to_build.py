"""Plausible wrong answers for module 08 (when to build your own model)."""

from tests.mutants import Mutant

MODULE = "08-when-to-build"
COST, COST_TESTS = "monthly-cost-answer", "monthly-cost-tests"
DECIDE, DECIDE_TESTS = "decide-answer", "decide-tests"

LATENCY_THEN_COST = '''def decide(situation):
    s = situation
    reasons = []
    if s["api_latency_ms"] > s["latency_budget_ms"]:
        reasons.append("The API is slower than the budget.")
    if s["api_monthly_cost"] > s["inhouse_monthly_cost"]:
        reasons.append("The API costs more per month.")
    if reasons:
        return ("in-house model", reasons)
    return ("API", ["The API fits the budget and costs no more."])
'''

MUTANTS = [
    Mutant(test=COST_TESTS, answer=COST, name="a-day-not-a-month",
           why="bills one day of traffic instead of a 30-day month",
           replace=[("seconds_per_month = 30 * 24 * 60 * 60", "seconds_per_month = 24 * 60 * 60")]),
    Mutant(test=COST_TESTS, answer=COST, name="price-per-token",
           why="forgets that the price is per 1,000 tokens",
           replace=[("tokens_per_request / 1000 * price_per_1k_tokens",
                     "tokens_per_request * price_per_1k_tokens")]),
    Mutant(test=COST_TESTS, answer=COST, name="a-31-day-month",
           why="uses a 31-day month although the exercise fixes 30 days",
           replace=[("30 * 24 * 60 * 60", "31 * 24 * 60 * 60")]),
    Mutant(test=COST_TESTS, answer=COST, name="ignores-the-load",
           why="prices one call a second whatever tps is",
           replace=[("tps * seconds_per_month * cost_per_call", "seconds_per_month * cost_per_call")]),
    Mutant(test=COST_TESTS, answer=COST, name="whole-dollars",
           why="rounds the bill to whole dollars, dropping the cents",
           replace=[("return float(tps * seconds_per_month * cost_per_call)",
                     "return round(tps * seconds_per_month * cost_per_call)")]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="latency-then-cost-only",
           why="the old rule: latency then cost, blind to quality and data governance",
           source=LATENCY_THEN_COST),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="ignores-governance",
           why="sends card data to the API without the approval (the PCI DSS question)",
           replace=[("api_serves = approved and api_fast and api_good",
                     "api_serves = api_fast and api_good")]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="ignores-quality",
           why="lets an option below the quality bar serve because it is fast and cheap",
           replace=[("api_serves = approved and api_fast and api_good",
                     "api_serves = approved and api_fast"),
                    ("own_serves = own_fast and own_good", "own_serves = own_fast")]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="never-hybrid",
           why="answers neither when a tree in the hot path with an LLM review would do",
           replace=[('return ("hybrid", ', 'return ("neither", ')]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="hybrid-without-approval",
           why="builds the hybrid although the data may not go to the provider",
           replace=[("if own_fast and approved and api_good:", "if own_fast and api_good:")]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="bar-is-exclusive",
           why="reads 'reaches the bar' as strictly above it",
           replace=[('api_good = s["api_quality"] >= bar', 'api_good = s["api_quality"] > bar'),
                    ('own_good = s["inhouse_quality"] >= bar', 'own_good = s["inhouse_quality"] > bar')]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="tie-goes-in-house",
           why="gives a price tie to the in-house model instead of the API",
           replace=[("if api_cost <= own_cost:", "if api_cost < own_cost:")]),
    Mutant(test=DECIDE_TESTS, answer=DECIDE, name="one-reason-for-neither",
           why="gives one reason when both options fail, naming only the API's problems",
           replace=[('return ("neither", api_problems + own_problems)',
                     'return ("neither", api_problems or own_problems)')]),
]
