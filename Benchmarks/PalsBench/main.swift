print("pals-bench: placeholder")
