import Chassis
import Hotel

Service.main(PaymentContext.self)
