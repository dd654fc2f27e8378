"""PyTorch's examples/vae made fast on a GPU: the fair peer of vae-cuda's CUDA backend.

The model and loss of bench/pytorch_vae.py (imported from it): with ARCH mlp (the default)
the example's VAE (BCE on the sigmoid output, summed, plus KL), with ARCH conv vae-cuda's
`--arch conv` model (ConvVAE: two 4x4 stride-2 convolutions 1->32->64, a dense head to
(mu, logvar) of 20 each; a dense layer back to 64x7x7 and two transposed convolutions
64->32->1, logits; BCE with logits, summed, plus KL). Adam (lr 1e-3), batch 128, trained as
vae-cuda trains on a GPU:
- the whole data set lives on the GPU as floats; an epoch's order is one randperm on the
  GPU, and each step gathers its batch there (no DataLoader, no host->device copies);
- MODE graph (the default): a training step (gather, forward, backward, Adam with
  capturable=True, the loss added to a sum on the GPU) is captured once as a CUDA graph and
  replayed; which batch a replay gathers comes from a step counter on the GPU that the graph
  advances, as vae-cuda's step state does; the last, partial batch of an epoch runs eagerly
  (so does vae-cuda's). MODE eager: the same steps launched one by one, Adam as PyTorch's
  default (foreach) runs it;
- the loss is read once per epoch, not per step.
FP32 throughout, like vae-cuda without --tf32: TF32 off for the GEMMs (PyTorch's default for
matmul) and for cuDNN's convolutions (where PyTorch's default is on). cuDNN may pick its
fastest algorithms (cudnn.benchmark, timed during the first steps), deterministic or not:
vae-cuda picks deterministic ones, so this peer is given the faster choice.
The first epoch also warms up (and captures): time the later ones.
Prints, per epoch: "epoch N  train_loss X  test_loss Y  S s", S covering training only.
Usage: python3 pytorch_fast_vae.py DATA_DIR EPOCHS [mlp|conv [graph|eager]]
"""
import sys
import time

import torch
from torch import optim

from pytorch_vae import MODELS, read_idx_images

BATCH = 128
WARMUP_STEPS = 3  # eager steps on a side stream before the capture, as PyTorch's CUDA graphs notes do


def main():
    data_dir, epochs = sys.argv[1], int(sys.argv[2])
    arch = sys.argv[3] if len(sys.argv) > 3 else "mlp"
    mode = sys.argv[4] if len(sys.argv) > 4 else "graph"
    if arch not in MODELS or mode not in ("graph", "eager"):
        sys.exit("usage: pytorch_fast_vae.py DATA_DIR EPOCHS [mlp|conv [graph|eager]]")
    model_class, loss_function = MODELS[arch]
    captured = mode == "graph"
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    device = torch.device("cuda")
    torch.manual_seed(1)
    train = (read_idx_images(data_dir, "train-images-idx3-ubyte").to(device).float() / 255.0)  # (60000, 784)
    test = (read_idx_images(data_dir, "t10k-images-idx3-ubyte").to(device).float() / 255.0)
    n = train.shape[0]
    full_batches = n // BATCH
    model = model_class().to(device)
    # capturable: Adam keeps its step count on the GPU, which a graph replay can advance
    optimizer = optim.Adam(model.parameters(), lr=1e-3, capturable=captured)

    batch_rows = torch.zeros(full_batches, BATCH, dtype=torch.long, device=device)  # row s: step s's images
    step = torch.zeros(1, dtype=torch.long, device=device)
    loss_sum = torch.zeros((), device=device)

    def train_step(x):
        optimizer.zero_grad(set_to_none=False)  # a graph replays into the same gradient buffers
        recon_batch, mu, logvar = model(x)
        loss = loss_function(recon_batch, x, mu, logvar)
        loss.backward()
        optimizer.step()
        loss_sum.add_(loss.detach())

    def recorded_step():
        x = train.index_select(0, batch_rows.index_select(0, step).view(-1))
        train_step(x)
        step.add_(1)

    graph = None
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, device=device)
        batch_rows.copy_(order[: full_batches * BATCH].view(full_batches, BATCH))
        step.zero_()
        loss_sum.zero_()
        torch.cuda.synchronize()
        start = time.perf_counter()
        if not captured:
            for _ in range(full_batches):
                recorded_step()
        else:
            done = 0
            if graph is None:
                side = torch.cuda.Stream()
                side.wait_stream(torch.cuda.current_stream())
                with torch.cuda.stream(side):
                    for _ in range(WARMUP_STEPS):
                        recorded_step()
                torch.cuda.current_stream().wait_stream(side)
                graph = torch.cuda.CUDAGraph()
                with torch.cuda.graph(graph):  # records, does not run
                    recorded_step()
                done = WARMUP_STEPS
            for _ in range(full_batches - done):
                graph.replay()
        if n > full_batches * BATCH:
            train_step(train.index_select(0, order[full_batches * BATCH:]))
        train_loss = loss_sum.item()  # waits for the epoch's work
        seconds = time.perf_counter() - start

        model.eval()
        test_sum = torch.zeros((), device=device)
        with torch.no_grad():
            for i in range(0, test.shape[0], BATCH):
                data = test[i: i + BATCH]
                recon_batch, mu, logvar = model(data)
                test_sum += loss_function(recon_batch, data, mu, logvar)
        print(f"epoch {epoch}  train_loss {train_loss / n:.4f}  "
              f"test_loss {test_sum.item() / test.shape[0]:.4f}  {seconds:.2f} s", flush=True)


if __name__ == "__main__":
    main()
