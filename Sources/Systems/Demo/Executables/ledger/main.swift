import Chassis
import Demo

Service.main(Ledger.self)
