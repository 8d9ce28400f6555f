#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hostile-pending.py N - write /tmp/quad.twrec: a valid recording (formats from a seed) with N
execs whose arrival reads claim a time far in the future (so the model holds every record) and
then N forks. report's time grows faster than N^2 (the model scans its whole list of held
records for each event): 8000 -> 2.5 s, 16000 (4 MB) -> 29 s on the test VM. Not run by make:
kept to reproduce the open issue (see the fuzz report)."""
import struct,sys,zlib,re
sys.path.insert(0,'tests/fuzz')
N=int(sys.argv[1]); mode=sys.argv[2] if len(sys.argv) > 2 else 'one'
d=open('tests/fuzz/seeds/small-no-probes.twrec','rb').read()
def blocks(d):
    off=16
    while off+12<=len(d):
        t,l=struct.unpack_from('<II',d,off); yield t,d[off+12:off+12+l]; off+=12+l
def blk(t,p):
    h=struct.pack('<II',t,len(p)); return h+struct.pack('<I',zlib.crc32(p,zlib.crc32(h))&0xffffffff)+p
out=[d[:16]]; ids={}
for t,p in blocks(d):
    if t in (1,2): out.append(blk(t,p))
    if t==2:
        txt=p.decode(errors='replace'); m=re.search(r'name: (\w+)\nID: (\d+)',txt); ids[m.group(1)]=int(m.group(2))
def s(x): return struct.pack('<I',len(x))+x
def probe(): return struct.pack('<QQqIIQ',1,1<<62,-1,0,0,0)+struct.pack('<I',0xffffffff)*4
def ev(cpu,ts,raw): return blk(4,struct.pack('<IQ',cpu,ts)+s(raw)+probe())
fn=b'./prog\0'
for i in range(N):
    pid=1000+i
    raw=struct.pack('<HBBi',ids['sched_process_exec'],0,0,pid)+struct.pack('<Iii',(len(fn)<<16)|20,pid,pid)+fn
    out.append(ev(0,1000+i,raw))
for i in range(N):
    raw=struct.pack('<HBBi',ids['task_newtask'],0,0,5)+struct.pack('<i',100000+i)+b'sh'.ljust(16,b'\0')+struct.pack('<I',0)+struct.pack('<Qh',0x11,0)+b'\0\0'
    out.append(ev(0 if mode=='one' else 1,2000000+i,raw))
out.append(blk(7,b'\x01')); out.append(blk(10,b''))
open('/tmp/quad.twrec','wb').write(b''.join(out))
