# SPDX-License-Identifier: GPL-2.0
#
# smartbms: a 12 V LiFePO4 BMS as a Linux driver.
#
#   make demo        boot the test guest and play the story on the simulated board
#   make check       every test: host, module build (W=1), KUnit, kselftests
#
# LINUX=6.1|6.12 picks the kernel version (default: the newest LTS, 6.12;
# make check and check-STAGE run both unless LINUX is given), KERNEL=
# default|debug the variant.
#
# Out-of-tree kernel build: this Makefile hands over to Kbuild when called
# from the kernel's build system (make -C $KDIR M=$PWD).
ifneq ($(KERNELRELEASE),)
include $(src)/Kbuild
else

TESTING := tools/testing
KDIR_CMD = $(TESTING)/build-kernel.sh $(KERNEL) | tail -n 1
KERNEL ?= default
SCRIPT ?=
# empty: the scripts' default (6.12), or both versions for make check
LINUX ?=
ifneq ($(LINUX),)
export LINUX
endif

.PHONY: all modules kernel check check-host check-build check-kunit check-vm \
	check-stock check-dkms check-dt check-arm64 check-stress check-intree check-deb demo vm-run lint modules-stock bench \
	bench-core tools clean

all: modules tools

kernel:
	@$(TESTING)/build-kernel.sh $(KERNEL)

modules:
	@$(TESTING)/vm/build-modules.sh "$$($(KDIR_CMD))" W=1

tools:
	@$(TESTING)/install-deps.sh tools
	@$(MAKE) -s -C tools/smartbmsctl

check:
	@$(TESTING)/check.sh all

# check-STAGE (both kernel versions, or LINUX's) and check-STAGE-VERSION
check-host check-build check-kunit check-vm check-stock check-dkms check-dt check-arm64 check-stress check-intree check-deb:
	@$(TESTING)/check.sh $(@:check-%=%)

check-%-6.1 check-%-6.12:
	@$(TESTING)/check.sh $(@:check-%=%)

vm-run:
	@test -n "$(SCRIPT)" || { echo "usage: make vm-run SCRIPT=path/on/host.sh [LINUX=6.1|6.12] [KERNEL=debug]"; exit 2; }
	@$(MAKE) -s tools
	@$(TESTING)/vm/run-vm.sh "$(SCRIPT)" $(KERNEL)

demo:
	@$(MAKE) -s tools
	@VM_TIMEOUT=600 $(TESTING)/vm/run-vm.sh $(TESTING)/demo.sh $(KERNEL)

lint:
	@$(TESTING)/lint.sh

modules-stock:
	@$(TESTING)/check.sh stock

bench-core:
	@$(TESTING)/install-deps.sh host
	@$(MAKE) -s -C $(TESTING)/host bench

bench:
	@$(TESTING)/bench.sh

clean:
	@rm -rf .tmp_versions Module.symvers modules.order
	@find . -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.mod.o' | grep -v '^./.git' | xargs rm -f
	-@$(MAKE) -s -C $(TESTING)/host clean
	-@$(MAKE) -s -C tools/smartbmsctl clean

endif
