"""Plausible wrong answers for module 01 (identity shift)."""

from tests.mutants import Mutant

MODULE = "01-identity-shift"
_ID = dict(test="identity-statement-tests", answer="identity-statement-answer")
_AUDIT = dict(test="role-audit-tests", answer="role-audit-answer")
_SHARE = dict(test="orchestration-share-tests", answer="orchestration-share-answer")

MUTANTS = [
    # identity_statement
    Mutant(**_ID, name="other-opening", why="starts with a different phrase than the contract",
           replace=[("I'm the person who turns", "My job is to turn")]),
    Mutant(**_ID, name="too-short", why="stops after three words",
           source='identity_statement = "I\'m the person who ships models."'),
    Mutant(**_ID, name="list-of-phrases", why="a list of phrases instead of one str",
           source='identity_statement = ["I\'m the person who", "turns models into services",\n'
                  '                      "and keeps them cheap and fast"]'),
    Mutant(**_ID, name="opening-only", why="copies the prompt and adds nothing",
           source='identity_statement = "I\'m the person who ..."'),
    # role_audit
    Mutant(**_AUDIT, name="fractions", why="shares as fractions of 1 instead of percent",
           replace=[('"model building": 25,', '"model building": 0.25,'),
                    ('"integration and pipelines": 35,', '"integration and pipelines": 0.35,'),
                    ('"evaluation": 15,', '"evaluation": 0.15,'),
                    ('"monitoring and incidents": 25,', '"monitoring and incidents": 0.25,')]),
    Mutant(**_AUDIT, name="training-not-model-building",
           why='calls the building activity "training", so "model building" is missing',
           replace=[('"model building": 25,', '"training": 25,')]),
    Mutant(**_AUDIT, name="two-activities", why="only building vs everything else",
           source='role_audit = {"model building": 25, "everything else": 75}'),
    Mutant(**_AUDIT, name="does-not-add-up", why="forgets an activity: the week adds up to 85",
           replace=[('    "evaluation": 15,\n', '')]),
    Mutant(**_AUDIT, name="percent-strings", why='writes shares as text such as "25%"',
           source='role_audit = {"model building": "25%", "integration and pipelines": "35%",\n'
                  '              "evaluation": "15%", "monitoring and incidents": "25%"}'),
    # orchestration_share
    Mutant(**_SHARE, name="exactly-100", why="demands exactly 100, ignoring the ±0.5 tolerance",
           replace=[("if abs(total - 100) > 0.5:", "if total != 100:")]),
    Mutant(**_SHARE, name="loose-tolerance", why="accepts a week that is 5 points short",
           replace=[("if abs(total - 100) > 0.5:", "if abs(total - 100) > 5:")]),
    Mutant(**_SHARE, name="returns-building", why="returns the model-building share itself",
           replace=[('return float(total - audit.get("model building", 0))',
                     'return float(audit.get("model building", 0))')]),
    Mutant(**_SHARE, name="keyerror-without-building",
           why='crashes with KeyError on a week with no "model building" at all',
           replace=[('audit.get("model building", 0)', 'audit["model building"]')]),
    Mutant(**_SHARE, name="message-without-total", why="the error does not say the total",
           replace=[('raise ValueError(f"the shares add up to {total}, not 100")',
                     'raise ValueError("the shares must add up to 100")')]),
    Mutant(**_SHARE, name="fraction-result", why="returns a fraction of 1 instead of percent",
           replace=[('return float(total - audit.get("model building", 0))',
                     'return float((total - audit.get("model building", 0)) / total)')]),
    Mutant(**_SHARE, name="no-validation", why="never checks the total",
           replace=[("    if abs(total - 100) > 0.5:\n"
                     '        raise ValueError(f"the shares add up to {total}, not 100")\n', "")]),
]
