"""The payments room (issue 13): fees paid online through a gateway (VNPay), at the counter
(processes.desk.fees) or by bank transfer; electronic receipts; refunds (R8.6); reconciliation.

Whatever the channel, a paid fee is the dossier's one `FeePayment` row (method counter | online |
transfer): the desk's hand-over (processes.desk.steps.hand_over) asks no waiver once it exists, and a
workflow waiting for the `fee_paid` message is resumed (`ledger.fee_recorded`)."""
