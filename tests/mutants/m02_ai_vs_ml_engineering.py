"""Plausible wrong answers for module 02 (AI engineering vs ML engineering)."""

from tests.mutants import Mutant

MODULE = "02-ai-vs-ml-engineering"
_BENCH = dict(test="workbench-tests", answer="workbench-answer")
_BORDER = dict(test="border-tests", answer="border-answer")

MUTANTS = [
    # workbench: the eleven tools, listed in mixed order
    Mutant(**_BENCH, name="mlflow-on-ai-bench",
           why="MLflow also traces LLM calls, so it goes on the AI bench",
           replace=[('"MLflow": "ML engineering"', '"MLflow": "AI engineering"')]),
    Mutant(**_BENCH, name="pytorch-on-ai-bench", why="PyTorch runs LLMs, so it feels like AI work",
           replace=[('"PyTorch": "ML engineering"', '"PyTorch": "AI engineering"')]),
    Mutant(**_BENCH, name="vector-dbs-on-ml-bench",
           why="databases of embeddings feel like ML data engineering",
           replace=[('"Chroma": "AI engineering"', '"Chroma": "ML engineering"'),
                    ('"Pinecone": "AI engineering"', '"Pinecone": "ML engineering"'),
                    ('"Weaviate": "AI engineering"', '"Weaviate": "ML engineering"')]),
    Mutant(**_BENCH, name="first-five-ai", why="copies the old order: first five AI, rest ML",
           replace=[('"Kubeflow": "ML engineering"', '"Kubeflow": "AI engineering"'),
                    ('"TensorFlow": "ML engineering"', '"TensorFlow": "AI engineering"'),
                    ('"MLflow": "ML engineering"', '"MLflow": "AI engineering"'),
                    ('"LangChain": "AI engineering"', '"LangChain": "ML engineering"'),
                    ('"Weaviate": "AI engineering"', '"Weaviate": "ML engineering"')]),
    Mutant(**_BENCH, name="lower-case-keys", why="spells the tools in lower case",
           replace=[("\n}", "\n}\nworkbench = {k.lower(): v for k, v in workbench.items()}")]),
    Mutant(**_BENCH, name="short-labels", why='writes "AI" / "ML" instead of the bench names',
           replace=[("\n}", '\n}\nworkbench = {k: v.split()[0] for k, v in workbench.items()}')]),
    Mutant(**_BENCH, name="missing-kubeflow", why="forgets one tool of the list",
           replace=[('    "Kubeflow": "ML engineering",\n', "")]),
    # border: a bench and a one-line reason for three border tools
    Mutant(**_BORDER, name="both-benches", why='answers "both" instead of choosing a bench',
           replace=[('"vLLM": ("ML engineering",', '"vLLM": ("both",')]),
    Mutant(**_BORDER, name="it-depends", why="gives no reason worth the name",
           replace=[('("ML engineering", "I would use it to fine-tune and train "\n'
                     '                                  "a pretrained model on our own labelled data")',
                     '("ML engineering", "it depends")')]),
    Mutant(**_BORDER, name="same-reason-thrice", why="pastes one reason for all three tools",
           source='_reason = "it is used with models, so it fits this bench well enough"\n'
                  'border = {"Hugging Face Transformers": ("ML engineering", _reason),\n'
                  '          "vLLM": ("ML engineering", _reason),\n'
                  '          "Ragas": ("AI engineering", _reason)}'),
    Mutant(**_BORDER, name="bench-only", why="gives the bench and skips the reason",
           source='border = {"Hugging Face Transformers": "ML engineering",\n'
                  '          "vLLM": "ML engineering", "Ragas": "AI engineering"}'),
    Mutant(**_BORDER, name="paragraph-reason", why="writes a paragraph, not one line",
           replace=[('"it scores the answers of a retrieval pipeline built on top "',
                     '"it scores the answers of a retrieval pipeline.\\nIt is built on top "')]),
    Mutant(**_BORDER, name="hf-short-name", why='spells the tool "Hugging Face" only',
           replace=[('"Hugging Face Transformers": (', '"Hugging Face": (')]),
]
