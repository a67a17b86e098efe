import Chassis
import Musical

Service.main(PaymentContext.self)
