"""PyTorch's examples/vae/main.py, model, loss and loop unchanged, timed per epoch.

The only differences from the example: MNIST is read from the IDX files that
data/fetch-mnist.sh fetched, plain or .gz (torchvision would download them, and may
be absent), the DataLoader's ToTensor is replaced by the same scaling (uint8 / 255),
and no images are saved. With DEVICE cuda it runs as the example does with --cuda:
the model on the GPU, each batch copied there, the DataLoader with one worker and
pinned memory. With ARCH conv it trains vae-cuda's `--arch conv` model instead
(ConvVAE, BCE with logits), in the same loop.
Usage: python3 pytorch_vae.py DATA_DIR EPOCHS THREADS [cpu|cuda [mlp|conv]]
"""
import gzip
import os
import struct
import sys
import time

import torch
import torch.utils.data
from torch import nn, optim
from torch.nn import functional as F


def read_idx_images(data_dir, name):
    """The images of an IDX file (NAME or NAME.gz in DATA_DIR) as a (count, rows * cols) uint8 tensor."""
    path = os.path.join(data_dir, name)
    opener = open
    if not os.path.exists(path):
        path, opener = path + ".gz", gzip.open
    with opener(path, "rb") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, path
        # bytearray: torch.frombuffer wants a writable buffer (no numpy needed)
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(count, rows * cols)


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 400)
        self.fc21 = nn.Linear(400, 20)
        self.fc22 = nn.Linear(400, 20)
        self.fc3 = nn.Linear(20, 400)
        self.fc4 = nn.Linear(400, 784)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        eps = torch.randn_like(std)
        return mu + eps * std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 784))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    bce = F.binary_cross_entropy(recon_x, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


class ConvVAE(nn.Module):
    """vae-cuda's --arch conv model (bench/djl's ConvVae): two 4x4 stride-2 convolutions, one
    dense layer to (mu, logvar); the decoder mirrors it with transposed convolutions, logits out."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, 4, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 4, 2, 1), nn.ReLU(),
            nn.Flatten(), nn.Linear(64 * 7 * 7, 2 * 20))
        self.decoder = nn.Sequential(
            nn.Linear(20, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 4, 2, 1), nn.ReLU(), nn.ConvTranspose2d(32, 1, 4, 2, 1), nn.Flatten())

    reparameterize = VAE.reparameterize

    def forward(self, x):
        mu, logvar = self.encoder(x.view(-1, 1, 28, 28)).chunk(2, dim=1)
        return self.decoder(self.reparameterize(mu, logvar)), mu, logvar


def conv_loss_function(logits, x, mu, logvar):
    bce = F.binary_cross_entropy_with_logits(logits, x.view(-1, 784), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


# each architecture's model and loss
MODELS = {"mlp": (VAE, loss_function), "conv": (ConvVAE, conv_loss_function)}


def main():
    data_dir, epochs, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    device = torch.device(sys.argv[4] if len(sys.argv) > 4 else "cpu")
    model_class, loss_function = MODELS[sys.argv[5] if len(sys.argv) > 5 else "mlp"]
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    train = read_idx_images(data_dir, "train-images-idx3-ubyte").float() / 255.0
    test = read_idx_images(data_dir, "t10k-images-idx3-ubyte").float() / 255.0
    # the example's loader settings with --cuda
    kwargs = {"num_workers": 1, "pin_memory": True} if device.type == "cuda" else {}
    train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train), batch_size=128, shuffle=True, **kwargs)
    test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(test), batch_size=128, shuffle=False, **kwargs)
    model = model_class().to(device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(1, epochs + 1):
        model.train()
        train_loss = 0.0
        start = time.perf_counter()
        for (data,) in train_loader:
            data = data.to(device)
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data)
            loss = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()  # the last step's work is queued, not done
        seconds = time.perf_counter() - start
        model.eval()
        test_loss = 0.0
        with torch.no_grad():
            for (data,) in test_loader:
                data = data.to(device)
                recon_batch, mu, logvar = model(data)
                test_loss += loss_function(recon_batch, data, mu, logvar).item()
        print(f"epoch {epoch}  train_loss {train_loss / len(train):.4f}  "
              f"test_loss {test_loss / len(test):.4f}  {seconds:.2f} s", flush=True)


if __name__ == "__main__":
    main()
