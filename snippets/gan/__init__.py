"""GAN examples: a digits GAN and SRGAN-style super-resolution."""
