"""What an MNIST digit is (`mnist`), and where the digits come from (`data`)."""
