"""Code that runs in AWS Lambda: enrolment, reconcile and custom resources."""
