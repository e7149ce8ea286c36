"""Plausible wrong answers for module 10 (career paths)."""

from tests.mutants import Mutant

MODULE = "10-career-paths"
PATH, PATH_TESTS = "recommend-path-answer", "recommend-path-tests"
TIE_TAIL = '''    if ai_points > 0:
        return "both"
    if profile["background"] == "data scientist":
        return "ML engineering"
    return "AI engineering"'''

MUTANTS = [
    Mutant(test=PATH_TESTS, answer=PATH, name="both-for-no-signal",
           why='every tie, 0-0 included, gives "both": a student with nothing ticked is left '
               "in the middle",
           replace=[(TIE_TAIL, '    return "both"')]),
    Mutant(test=PATH_TESTS, answer=PATH, name="no-signal-always-ai",
           why="sends a data scientist with no signal to AI engineering, ignoring the "
               "article's advice for data scientists",
           replace=[('    if profile["background"] == "data scientist":\n'
                     '        return "ML engineering"\n', '')]),
    Mutant(test=PATH_TESTS, answer=PATH, name="only-software-engineer",
           why="counts the software background only for 'software engineer', not full-stack "
               "or backend",
           replace=[('software = ("software engineer", "full-stack", "backend")',
                     'software = ("software engineer",)')]),
    Mutant(test=PATH_TESTS, answer=PATH, name="tie-to-ai",
           why="breaks a real tie towards AI engineering instead of both",
           replace=[('    if ai_points > 0:\n        return "both"',
                     '    if ai_points > 0:\n        return "AI engineering"')]),
    Mutant(test=PATH_TESTS, answer=PATH, name="forgets-ml-engineer",
           why="forgets that an ML engineer today is a 'consider both' reason",
           replace=[('profile["background"] == "ml engineer" or ', '')]),
    Mutant(test=PATH_TESTS, answer=PATH, name="counts-before-both",
           why="counts points first and looks at the 'consider both' reasons only on a tie",
           replace=[('    if (profile["background"] == "ml engineer" or profile["small_company"]\n'
                     '            or profile["wants_optionality"]):\n        return "both"\n', ''),
                    ('    if ai_points > 0:\n        return "both"',
                     '    if ai_points > 0 or profile["background"] == "ml engineer" or '
                     'profile["small_company"] or profile["wants_optionality"]:\n'
                     '        return "both"')]),
]
