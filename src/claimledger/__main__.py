"""python -m claimledger"""

from claimledger.cli import main

main()
