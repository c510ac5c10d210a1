import { describe, expect, it } from 'vitest';
import { createGpuPool, detectGpus, parseGpuList, parseNvidiaSmi, type Exec, type GpuLease } from '../../trials/gpus.js';

describe('parseGpuList', () => {
  it.each([
    ['0,1,3', ['0', '1', '3']],
    [' 2 , 0 ', ['2', '0']],
    ['', []],
    ['GPU-8a1b2c3d-0000-1111-2222-333344445555', ['GPU-8a1b2c3d-0000-1111-2222-333344445555']],
    ['MIG-GPU-8a1b2c3d/1/0,1', ['MIG-GPU-8a1b2c3d/1/0', '1']],
  ])('parses %j', (text, ids) => {
    expect(parseGpuList(text)).toEqual(ids);
  });

  it.each([
    ['0,,1', /invalid GPU list "0,,1": entry 2 is empty/],
    ['0,1,', /entry 3 is empty/],
    ['0,a', /"a" is not a device index/],
    ['1,1', /device "1" is listed twice/],
    ['-1', /"-1" is not a device index/],
  ])('refuses %j', (text, message) => {
    expect(() => parseGpuList(text)).toThrow(message);
  });
});

const H200_OUTPUT = [
  '0, NVIDIA H200, 143771 MiB',
  '1, NVIDIA H200, 143771 MiB',
  '2, NVIDIA A100-SXM4-80GB, 81920 MiB',
  '',
].join('\n');

describe('nvidia-smi', () => {
  it('parses the CSV of --query-gpu=index,name,memory.total', () => {
    expect(parseNvidiaSmi(H200_OUTPUT)).toEqual([
      { index: '0', name: 'NVIDIA H200', memoryMiB: 143771 },
      { index: '1', name: 'NVIDIA H200', memoryMiB: 143771 },
      { index: '2', name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920 },
    ]);
    expect(parseNvidiaSmi('0, Some, GPU, [N/A]\r\n')).toEqual([{ index: '0', name: 'Some, GPU' }]);
    expect(() => parseNvidiaSmi('No devices were found')).toThrow(/unexpected nvidia-smi output on line 1/);
  });

  it('runs nvidia-smi with the query flags', async () => {
    const calls: Array<[string, readonly string[]]> = [];
    const exec: Exec = async (file, args) => {
      calls.push([file, args]);
      return { stdout: H200_OUTPUT };
    };
    expect((await detectGpus(exec)).map((g) => g.index)).toEqual(['0', '1', '2']);
    expect(calls).toEqual([['nvidia-smi', ['--query-gpu=index,name,memory.total', '--format=csv,noheader']]]);
  });

  it('finds no GPUs where nvidia-smi is not installed', async () => {
    const missing: Exec = () => Promise.reject(Object.assign(new Error('spawn nvidia-smi ENOENT'), { code: 'ENOENT' }));
    expect(await detectGpus(missing)).toEqual([]);
  });

  it('reports a failing nvidia-smi with its message', async () => {
    const broken: Exec = () =>
      Promise.reject(Object.assign(new Error('Command failed'), { code: 9, stderr: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n" }));
    await expect(detectGpus(broken)).rejects.toThrow(/nvidia-smi failed: NVIDIA-SMI has failed because/);
  });
});

/** Lets resolved promises run their callbacks. */
const flush = () => new Promise((r) => setImmediate(r));

describe('createGpuPool', () => {
  it('hands out devices exclusively and takes them back on release', async () => {
    const pool = createGpuPool(['0', '1', '2']);
    expect(pool.size).toBe(3);
    const a = await pool.acquire(2);
    const b = await pool.acquire(1);
    expect(a.ids).toEqual(['0', '1']);
    expect(b.ids).toEqual(['2']);
    expect(pool.available).toBe(0);
    a.release();
    a.release(); // a second release changes nothing
    expect(pool.available).toBe(2);
    const c = await pool.acquire(2);
    expect(c.ids).toEqual(['0', '1']);
  });

  it('makes requests wait, first come first served, until devices are released', async () => {
    const pool = createGpuPool(['0', '1']);
    const first = await pool.acquire(1);
    const order: string[] = [];
    const leases: Record<string, GpuLease> = {};
    const wait = (name: string, n: number) =>
      pool.acquire(n).then((lease) => {
        order.push(name);
        leases[name] = lease;
      });
    const big = wait('big', 2);
    const small = wait('small', 1); // one device is free, but the larger request came first
    await flush();
    expect(order).toEqual([]);
    first.release();
    await big;
    expect(order).toEqual(['big']);
    expect(leases.big?.ids).toEqual(['0', '1']);
    leases.big?.release();
    await small;
    expect(order).toEqual(['big', 'small']);
  });

  it('gives zero devices at once, even while others wait', async () => {
    const pool = createGpuPool(['0']);
    const held = await pool.acquire(1);
    const waiting = pool.acquire(1);
    expect((await pool.acquire(0)).ids).toEqual([]);
    held.release();
    expect((await waiting).ids).toEqual(['0']);
  });

  it('refuses a request larger than the inventory at once', async () => {
    await expect(createGpuPool(['0', '1']).acquire(3)).rejects.toThrow('the trial requests 3 GPUs (nvidia.com/gpu) but this runner has 2 (0, 1)');
    await expect(createGpuPool([]).acquire(1)).rejects.toThrow(/requests 1 GPUs .* has no GPUs/);
    await expect(createGpuPool(['0']).acquire(1.5)).rejects.toThrow(/whole number/);
  });

  it('drops a waiting request when its signal aborts, serving the next', async () => {
    const pool = createGpuPool(['0', '1']);
    const held = await pool.acquire(1);
    const controller = new AbortController();
    const big = pool.acquire(2, { signal: controller.signal });
    const small = pool.acquire(1);
    controller.abort(new Error('stopped'));
    await expect(big).rejects.toThrow('stopped');
    expect((await small).ids).toEqual(['1']);
    held.release();
  });

  it('refuses a bad inventory', () => {
    expect(() => createGpuPool(['0', '0'])).toThrow(/listed twice/);
  });
});
