// SPDX-License-Identifier: GPL-2.0
/* static_true.c - a static program that exits 0: runs inside an empty chroot. */
int main(void)
{
	return 0;
}
