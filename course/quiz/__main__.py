"""``python -m course.quiz lint``."""

from course.quiz.lint import main

raise SystemExit(main())
