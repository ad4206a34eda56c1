"""Row-level ML preparation compiled into the plan: dedupe, label mapping, leak-free splits."""
