"""The project's one IAM policy evaluator (see evaluator.py)."""

from cfct_backup.policy.evaluator import Decision, Policy, PolicyError, Request, evaluate

__all__ = ["Decision", "Policy", "PolicyError", "Request", "evaluate"]
